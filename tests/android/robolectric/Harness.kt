package vn.canhgiac.tests.robolectric

import android.app.Activity
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.TextView
import kotlinx.coroutines.Job
import org.junit.Assert.assertNotNull
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import vn.canhgiac.app.CanhGiacApp
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.LangChoice
import java.time.Duration
import java.time.LocalDate
import java.time.ZoneOffset

/**
 * What every Robolectric test here shares. Robolectric builds a fresh CanhGiacApp from the
 * manifest for each test, with its own data folders, so each test opens a new database of the
 * real core (libcanhgiac_core.so through JNA).
 */
object Harness {
    fun app(): CanhGiacApp = RuntimeEnvironment.getApplication() as CanhGiacApp

    /** A synthetic reported list (never real numbers), imported into the core. */
    fun importList(app: CanhGiacApp = app()) {
        val twoDaysAgo = LocalDate.now(ZoneOffset.ofHours(7)).minusDays(2)
        val csv = """
            number,category,reports,last_reported,label
            0912345678,scam,37,$twoDaysAgo,mạo danh công an
            0900000001,nuisance,4,$twoDaysAgo,quảng cáo
        """.trimIndent()
        app.guard.importCsvBytes(csv.toByteArray())
    }

    fun settings(change: (AppSettings) -> AppSettings) {
        val app = app()
        app.saveSettings(change(app.settings()))
    }

    fun language(lang: LangChoice) = settings { it.copy(language = lang) }

    /**
     * Runs the main looper until [done] holds: the app's work goes to Dispatchers.IO (real
     * threads) and comes back to the main thread, which Robolectric runs only when asked. The
     * main looper's clock is moved on with the wall clock, so that a timeout on the main thread
     * (the service's 1 s budget) falls when it would on a phone.
     */
    fun waitUntil(timeoutMs: Long = 10_000, what: String = "condition", done: () -> Boolean) {
        val start = System.nanoTime()
        var moved = 0L
        while (true) {
            val elapsed = (System.nanoTime() - start) / 1_000_000
            shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(elapsed - moved))
            moved = elapsed
            if (done()) return
            if (elapsed > timeoutMs) throw AssertionError("timed out waiting for $what")
            Thread.sleep(5)
        }
    }

    /** Waits until the process-wide scope (history, notices, the trust action) has nothing running. */
    fun waitForBackground() {
        val job = app().background.coroutineContext[Job]!!
        waitUntil(what = "the app's background work") { job.children.none { it.isActive } }
    }

    /**
     * Closes the test's core once its work is done, so that Robolectric can delete the test's
     * data folder without the core's SQLite files open under it.
     */
    fun closeCore() {
        runCatching { waitForBackground() }
        runCatching { app().guard.close() }
    }

    fun views(root: View): List<View> =
        if (root is ViewGroup) listOf(root) + (0 until root.childCount).flatMap { views(root.getChildAt(it)) } else listOf(root)

    fun texts(activity: Activity): List<String> =
        views(activity.window.decorView).filterIsInstance<TextView>().filter { it !is Button }.map { it.text.toString() }

    fun buttons(activity: Activity): List<Button> = views(activity.window.decorView).filterIsInstance<Button>()

    fun button(activity: Activity, label: String): Button {
        val b = buttons(activity).firstOrNull { it.text.toString() == label }
        assertNotNull("no button '$label' among ${buttons(activity).map { it.text }}", b)
        return b!!
    }

    fun textView(activity: Activity, text: String): TextView? =
        views(activity.window.decorView).filterIsInstance<TextView>().firstOrNull { it.text.toString() == text }
}
