package vn.canhgiac.tests.android

import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import kotlin.system.exitProcess

/** Runs the app-logic tests and prints the one line `android: N passed, M failed`. */
fun main() {
    val classes = arrayOf<Class<*>>(
        NoticeTest::class.java,
        ReportSmsTest::class.java,
        SettingsTest::class.java,
        CallInputTest::class.java,
        DeadlineTest::class.java,
        FeedTest::class.java,
        ErrorsTest::class.java,
        StatusTest::class.java,
        BackupTest::class.java,
        FollowTest::class.java,
    )
    val result = JUnitCore().run(*classes)
    result.failures.forEach { f: Failure ->
        System.err.println("FAILED ${f.testHeader}: ${f.message}")
        System.err.println(f.trace.lineSequence().take(8).joinToString("\n"))
    }
    val failed = result.failureCount
    println("android: ${result.runCount - failed} passed, $failed failed")
    exitProcess(if (result.wasSuccessful() && result.runCount > 0) 0 else 1)
}
