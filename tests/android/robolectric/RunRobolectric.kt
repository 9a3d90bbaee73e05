package vn.canhgiac.tests.robolectric

import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/** Runs the Robolectric tests (or only the screenshots) and prints `robolectric: N passed, M failed`. */
fun main(args: Array<String>) {
    val tests = listOf(
        ScreeningServiceTest::class.java,
        NotificationTest::class.java,
        ReportTest::class.java,
        ScreensTest::class.java,
        FeedSettingsTest::class.java,
        FollowLinkTest::class.java,
        SyncJobTest::class.java,
        Screenshots::class.java,
    )
    val classes = when (args.firstOrNull()) {
        "screenshots" -> listOf(Screenshots::class.java)
        null, "all" -> tests
        else -> tests.filter { it.simpleName == args[0] }
    }
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFailure(failure: Failure) {
            System.err.println("FAILED ${failure.testHeader}")
            System.err.println(failure.trace.lineSequence().take(40).joinToString("\n"))
        }
    })
    val result = core.run(*classes.toTypedArray())
    val failed = result.failureCount
    println("robolectric: ${result.runCount - failed} passed, $failed failed (${result.runTime / 1000} s)")
    exitProcess(if (result.wasSuccessful() && result.runCount > 0) 0 else 1)
}
