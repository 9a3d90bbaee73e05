package vn.canhgiac.tests.robolectric

import android.app.AlertDialog
import android.content.ComponentName
import android.content.Intent
import android.content.IntentFilter
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.After
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowDialog
import vn.canhgiac.app.ReportActivity
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.ReportTarget
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.importList

/** The report: the user's own SMS app opened on smsto:156 (or 5656) with the core's text. */
@RunWith(RobolectricTestRunner::class)
class ReportTest {
    @After
    fun closeCore() = Harness.closeCore()

    @Before
    fun strictActivities() {
        // An implicit intent that nothing on the phone handles fails as on a phone.
        shadowOf(app()).checkActivities(true)
        importList()
    }

    private fun installSmsApp() {
        val sms = ComponentName("org.example.sms", "org.example.sms.Compose")
        val pm = shadowOf(app().packageManager)
        pm.addActivityIfNotPresent(sms)
        pm.addIntentFilterForActivity(sms, IntentFilter(Intent.ACTION_SENDTO).apply {
            addCategory(Intent.CATEGORY_DEFAULT)
            addDataScheme("smsto")
        })
    }

    private fun installDialer() {
        val dialer = ComponentName("org.example.dialer", "org.example.dialer.Dial")
        val pm = shadowOf(app().packageManager)
        pm.addActivityIfNotPresent(dialer)
        pm.addIntentFilterForActivity(dialer, IntentFilter(Intent.ACTION_DIAL).apply {
            addCategory(Intent.CATEGORY_DEFAULT)
            addDataScheme("tel")
        })
    }

    private fun call(): ReportActivity =
        Robolectric.buildActivity(ReportActivity::class.java, ReportActivity.callIntent(app(), 7)).setup().get()

    private fun report(number: String, kind: ReportKind, content: String): ReportActivity {
        val intent = ReportActivity.intent(app(), number, kind, 7, content)
        return Robolectric.buildActivity(ReportActivity::class.java, intent).setup().get()
    }

    private fun sentTo(activity: ReportActivity): Intent {
        Harness.waitUntil(what = "the SMS intent") { activity.isFinishing || ShadowDialog.getLatestDialog() != null }
        return shadowOf(activity).nextStartedActivity
    }

    @Test
    fun opensTheSmsAppOn156WithTheCoresText() {
        installSmsApp()
        val activity = report("+84912345678", ReportKind.SCAM_CALL, "mạo danh công an")
        val sms = sentTo(activity)
        assertEquals(Intent.ACTION_SENDTO, sms.action)
        assertEquals("smsto:156", sms.dataString)
        assertEquals("LD 0912345678 mạo danh công an", sms.getStringExtra("sms_body"))
        assertTrue("a task of its own", (sms.flags and Intent.FLAG_ACTIVITY_NEW_TASK) != 0)
        assertTrue("the report screen closes", activity.isFinishing)
        // The core kept what it built in its outbox, with the same text.
        assertEquals(listOf("LD 0912345678 mạo danh công an"), app().guard.reports(10u).map { it.body })
    }

    @Test
    fun opensTheSmsAppOn5656WhenTheUserChoseIt() {
        installSmsApp()
        Harness.settings { it.copy(reportTarget = ReportTarget.HOTLINE5656) }
        val sms = sentTo(report("0900000001", ReportKind.NUISANCE_CALL, "quảng cáo"))
        assertEquals("smsto:5656", sms.dataString)
        assertEquals(app().guard.reports(10u).single().body, sms.getStringExtra("sms_body"))
        assertTrue(sms.getStringExtra("sms_body")!!.contains("0900000001"))
    }

    @Test
    @Config(qualifiers = "vi")
    fun withoutAnSmsAppItSaysSoAndShowsTheText() {
        val activity = report("0912345678", ReportKind.SCAM_CALL, "mạo danh công an")
        Harness.waitUntil(what = "the dialog") { ShadowDialog.getLatestDialog() != null }
        assertNull(shadowOf(activity).nextStartedActivity)
        val dialog = ShadowDialog.getLatestDialog() as AlertDialog
        assertTrue(dialog.isShowing)
        assertEquals("Không tìm thấy ứng dụng nhắn tin trên máy.", shadowOf(dialog).title.toString())
        assertEquals("Bạn có thể tự nhắn tin này tới 156:\n\nLD 0912345678 mạo danh công an", shadowOf(dialog).message.toString())
        // Closing it closes the report screen.
        dialog.getButton(AlertDialog.BUTTON_POSITIVE).performClick()
        Harness.waitUntil { activity.isFinishing }
    }

    @Test
    fun callOpensTheDialerOn156ForThePersonToPressCall() {
        installDialer()
        // 156 even when the SMS goes to 5656: the hotline that takes calls.
        Harness.settings { it.copy(reportTarget = ReportTarget.HOTLINE5656) }
        val activity = call()
        val dial = sentTo(activity)
        assertEquals(Intent.ACTION_DIAL, dial.action)
        assertEquals("tel:156", dial.dataString)
        assertTrue("a task of its own", (dial.flags and Intent.FLAG_ACTIVITY_NEW_TASK) != 0)
        assertTrue("the step closes", activity.isFinishing)
        // Nothing is reported by a call: the outbox stays empty.
        assertTrue(app().guard.reports(10u).isEmpty())
    }

    @Test
    @Config(qualifiers = "vi")
    fun withoutADialerItSaysSoAndShowsTheNumber() {
        val activity = call()
        Harness.waitUntil(what = "the dialog") { ShadowDialog.getLatestDialog() != null }
        assertNull(shadowOf(activity).nextStartedActivity)
        val dialog = ShadowDialog.getLatestDialog() as AlertDialog
        assertEquals("Không tìm thấy ứng dụng gọi điện trên máy.", shadowOf(dialog).title.toString())
        assertEquals("Bạn có thể tự gọi 156 từ bất kỳ điện thoại nào.", shadowOf(dialog).message.toString())
        dialog.getButton(AlertDialog.BUTTON_POSITIVE).performClick()
        Harness.waitUntil { activity.isFinishing }
    }
}
