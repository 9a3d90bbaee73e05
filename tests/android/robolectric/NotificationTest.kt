package vn.canhgiac.tests.robolectric

import android.app.Notification
import android.app.NotificationManager
import android.content.Intent
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.After
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import vn.canhgiac.app.ActionReceiver
import vn.canhgiac.app.Notices
import vn.canhgiac.app.ReportActivity
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.noticeFor
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.UserList
import vn.canhgiac.core.Verdict
import vn.canhgiac.core.Verification
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.importList
import vn.canhgiac.tests.robolectric.Harness.waitForBackground

/** The warning while it rings, built from the real core's verdict, in both languages. */
@RunWith(RobolectricTestRunner::class)
class NotificationTest {
    @After
    fun closeCore() = Harness.closeCore()

    private val nm get() = app().getSystemService(NotificationManager::class.java)

    private fun warn(number: String = "0912345678"): Pair<Verdict, Notification> {
        importList()
        val verdict = app().guard.screen(number, CallFacts(verification = Verification.NOT_VERIFIED))
        Notices.show(app(), noticeFor(verdict, app().lang())!!)
        return verdict to shadowOf(nm).allNotifications.single()
    }

    private fun Notification.title() = extras.getCharSequence(Notification.EXTRA_TITLE).toString()
    private fun Notification.text() = extras.getCharSequence(Notification.EXTRA_TEXT).toString()

    @Test
    @Config(qualifiers = "vi")
    fun warningInVietnamese() {
        val (v, n) = warn()
        val channel = nm.getNotificationChannel(n.channelId)
        assertEquals("warning", channel.id)
        assertEquals(NotificationManager.IMPORTANCE_HIGH, channel.importance)
        assertEquals("Cảnh báo khi có cuộc gọi đến", channel.name.toString())
        assertEquals(Notification.CATEGORY_CALL, n.category)
        assertEquals("${v.title.vi}: ${v.number!!.display}", n.title())
        assertEquals("Đã bị phản ánh lừa đảo 37 lần, gần nhất 2 ngày trước: mạo danh công an", n.text())
        assertEquals(listOf("Nhắn tin 156", "Gọi 156", "Tin cậy số này"), n.actions.map { it.title.toString() })
        val big = n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString()
        assertTrue(big, big.endsWith(v.advice!!.vi))
    }

    @Test
    @Config(qualifiers = "en")
    fun warningInEnglish() {
        Harness.language(LangChoice.EN)
        val (v, n) = warn()
        assertEquals("Warnings while a call rings", nm.getNotificationChannel("warning").name.toString())
        assertEquals("${v.title.en}: ${v.number!!.display}", n.title())
        assertEquals(v.reasons.first().text.en, n.text())
        assertNotEquals(v.reasons.first().text.vi, n.text())
        assertTrue(n.text(), n.text().contains("37"))
        assertEquals(listOf("Text 156", "Call 156", "Trust this number"), n.actions.map { it.title.toString() })
    }

    @Test
    fun reportActionOpensTheReportScreenForThisNumber() {
        val (v, n) = warn()
        val pending = shadowOf(n.actions[0].actionIntent)
        assertTrue(pending.isActivityIntent)
        val intent = pending.savedIntent
        assertEquals(ReportActivity::class.java.name, intent.component!!.className)
        assertEquals(v.number!!.e164, intent.getStringExtra("number"))
        assertEquals("SCAM_CALL", intent.getStringExtra("kind"))
        assertTrue((intent.flags and Intent.FLAG_ACTIVITY_NEW_TASK) != 0)
        // The content intent opens the app's main screen.
        assertEquals("vn.canhgiac.app.MainActivity", shadowOf(n.contentIntent).savedIntent.component!!.className)
    }

    @Test
    fun callActionOpensTheDialerStepForThisNotice() {
        val (_, n) = warn()
        val report = shadowOf(n.actions[0].actionIntent).savedIntent
        val call = shadowOf(n.actions[1].actionIntent)
        assertTrue(call.isActivityIntent)
        // Two PendingIntents, not one overwritten by the other.
        assertNotEquals(n.actions[0].actionIntent, n.actions[1].actionIntent)
        assertEquals(ReportActivity.ACTION_CALL_HOTLINE, call.savedIntent.action)
        assertEquals(ReportActivity::class.java.name, call.savedIntent.component!!.className)
        assertNotEquals(report.action, call.savedIntent.action)
        assertTrue((call.savedIntent.flags and Intent.FLAG_ACTIVITY_NEW_TASK) != 0)
    }

    @Test
    fun trustActionPutsTheNumberOnTheAllowListInTheCore() {
        val (v, n) = warn()
        val pending = shadowOf(n.actions[2].actionIntent)
        assertTrue(pending.isBroadcastIntent)
        assertEquals(ActionReceiver.ACTION_TRUST, pending.savedIntent.action)
        assertTrue(app().guard.list(UserList.ALLOW).isEmpty())
        n.actions[2].actionIntent.send()
        Harness.waitUntil { true }
        waitForBackground()
        assertEquals(listOf("0912345678"), app().guard.list(UserList.ALLOW).map { it.number })
        // The notice goes once the number is trusted, and the number is now safe.
        assertTrue(shadowOf(nm).allNotifications.isEmpty())
        assertEquals(vn.canhgiac.core.Level.SAFE, app().guard.screen(v.number!!.national, CallFacts(verification = Verification.NOT_VERIFIED)).level)
    }
}
