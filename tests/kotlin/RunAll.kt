package vn.canhgiac.tests

import org.junit.runner.JUnitCore
import kotlin.system.exitProcess

/** Runs every Kotlin test class and prints one summary line CI can read. */
fun main() {
    val classes = arrayOf<Class<*>>(CallGuardTest::class.java, SyncTest::class.java, FeedsTest::class.java)
    val result = JUnitCore().apply { addListener(org.junit.internal.TextListener(System.out)) }.run(*classes)
    val failed = result.failureCount
    println("kotlin: ${result.runCount - failed} passed, $failed failed")
    exitProcess(if (result.wasSuccessful()) 0 else 1)
}
