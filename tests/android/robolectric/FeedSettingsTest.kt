package vn.canhgiac.tests.robolectric

import android.app.AlertDialog
import android.content.DialogInterface
import android.widget.EditText
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog
import org.robolectric.shadows.ShadowDialog
import org.robolectric.shadows.ShadowToast
import vn.canhgiac.app.SettingsActivity
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.button
import vn.canhgiac.tests.robolectric.Harness.texts
import vn.canhgiac.tests.robolectric.Harness.waitUntil

/** The lists followed, on the settings screen (issue 10), against the real core and the feed nginx serves. */
@RunWith(RobolectricTestRunner::class)
class FeedSettingsTest {
    @After
    fun closeCore() = Harness.closeCore()

    private val key = System.getenv("CANHGIAC_TEST_FEED_KEY")?.trim() ?: ("58" + "66".repeat(31))

    /** The settings are on screen, down to the add form's button. */
    private fun formShown(a: SettingsActivity) = Harness.buttons(a).any { it.text == a.getString(vn.canhgiac.app.R.string.feed_add) }

    private fun open(ready: (SettingsActivity) -> Boolean = ::formShown): SettingsActivity {
        val a = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        waitUntil(what = "the settings") { ready(a) }
        return a
    }

    /** The add form's fields: name, address, key. */
    private fun fields(a: SettingsActivity) = Harness.views(a.window.decorView).filterIsInstance<EditText>()

    private fun type(a: SettingsActivity, name: String, url: String, key: String) {
        val fields = fields(a)
        assertEquals(3, fields.size)
        fields[0].setText(name)
        fields[1].setText(url)
        fields[2].setText(key)
    }

    private fun latestAlert(): AlertDialog? = ShadowAlertDialog.getLatestAlertDialog()

    @Test
    @Config(qualifiers = "en")
    fun eachFeedIsListedWithItsAgeAndEntries() {
        val url = System.getenv("CANHGIAC_TEST_FEED_URL") ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test")
        app().guard.addFeed("Community", url, listOf(key), allowHttp = true)
        kotlinx.coroutines.runBlocking { app().guard.sync(null) }
        app().guard.addFeed("Carrier", "https://lists.example.org/feed/", listOf(key), verifyOrgs = true)
        val a = open { it -> texts(it).contains("Carrier\nhttps://lists.example.org/feed/") }
        val t = texts(a)
        val community = t.indexOf("Community\n$url")
        val carrier = t.indexOf("Carrier\nhttps://lists.example.org/feed/")
        assertTrue(t.toString(), community in 0 until carrier)
        // The synced one: its age (built minutes ago by this run) and its 7 entries.
        val age = t[community + 1]
        assertTrue(age, age == "List updated just now" || Regex("List updated \\d+ minutes? ago").matches(age))
        assertEquals("Numbers in this list: 7", t[community + 2])
        // The one never synced says so, and that it may verify organisation numbers.
        assertEquals("Not downloaded yet: it comes with the next update.", t[carrier + 1])
        assertEquals("Numbers in this list: 0", t[carrier + 2])
        assertEquals("May verify organisation numbers.", t[carrier + 3])
        assertFalse(t.contains(a.getString(vn.canhgiac.app.R.string.list_expired)))
        // One remove button per feed, each saying which feed it removes.
        val removes = Harness.buttons(a).filter { it.text == "Stop following" }
        assertEquals(listOf("Stop following Community", "Stop following Carrier"), removes.map { it.contentDescription.toString() })
    }

    @Test
    @Config(qualifiers = "vi")
    fun anEmptyListOfFeedsSaysSo() {
        val a = open()
        assertTrue(texts(a).contains("Bạn chưa theo dõi danh sách số bị phản ánh nào."))
    }

    @Test
    @Config(qualifiers = "en")
    fun addingRefusesAPlainHttpAddressAndKeepsWhatWasTyped() {
        val a = open()
        type(a, "Community", "http://lists.example.org/feed/", key)
        button(a, "Add the list").performClick()
        waitUntil(what = "the refusal") { ShadowToast.getTextOfLatestToast() != null }
        val toast = ShadowToast.getTextOfLatestToast()
        assertTrue(toast, toast.startsWith("The source was not saved: ") && toast.contains("https"))
        assertEquals(emptyList<Any>(), app().guard.feeds())
        assertEquals("http://lists.example.org/feed/", fields(a)[1].text.toString())
        assertTrue(ShadowDialog.getShownDialogs().isEmpty())
    }

    /**
     * What was typed outlives the screen drawn again (another setting changed) and the activity
     * made again (the phone turned), the verify switch with it; once the list is added the form
     * is empty again.
     */
    @Test
    @Config(qualifiers = "en")
    fun whatIsTypedSurvivesARedrawAndTheActivityMadeAgain() {
        val controller = Robolectric.buildActivity(SettingsActivity::class.java).setup()
        var a = controller.get()
        waitUntil(what = "the settings") { formShown(a) }
        val typed = listOf("Community", "https://lists.example.org/feed/", key)
        type(a, typed[0], typed[1], typed[2])
        button(a, "Verifies organisation numbers: no").performClick()
        val before = fields(a).first()
        button(a, "Reports without diacritics: off").performClick()
        waitUntil(what = "the screen drawn again") { formShown(a) && fields(a).first() !== before }
        button(a, "Reports without diacritics: on")
        assertEquals(typed, fields(a).map { it.text.toString() })
        button(a, "Verifies organisation numbers: yes (you will be asked)")

        controller.recreate()
        a = controller.get()
        waitUntil(what = "the settings made again") { formShown(a) }
        assertEquals(typed, fields(a).map { it.text.toString() })
        button(a, "Verifies organisation numbers: yes (you will be asked)")

        button(a, "Add the list").performClick()
        latestAlert()!!.getButton(DialogInterface.BUTTON_NEGATIVE).performClick()
        waitUntil(what = "the feed") { app().guard.feeds().isNotEmpty() }
        waitUntil(what = "the form emptied") { formShown(a) && fields(a).all { it.text.isEmpty() } }
        button(a, "Verifies organisation numbers: no")
        assertEquals("Community" to false, app().guard.feeds().single().let { it.name to it.verifyOrgs })
    }

    @Test
    @Config(qualifiers = "en")
    fun aFeedAddedWithoutVerifyingAsksNothing() {
        val a = open()
        type(a, " Community ", "https://lists.example.org/feed/", key)
        button(a, "Add the list").performClick()
        waitUntil(what = "the feed") { app().guard.feeds().isNotEmpty() }
        assertTrue(ShadowDialog.getShownDialogs().isEmpty())
        val f = app().guard.feeds().single()
        assertEquals("Community" to false, f.name to f.verifyOrgs)
        waitUntil(what = "the feed on screen") { texts(a).contains("Community\nhttps://lists.example.org/feed/") }
        assertEquals("Community was added. Its list downloads with the next update.", ShadowToast.getTextOfLatestToast())
        // The daily job follows the feeds the core keeps.
        waitUntil(what = "the daily job") { app().getSystemService(android.app.job.JobScheduler::class.java).allPendingJobs.isNotEmpty() }
    }

    /** Verifying organisations is asked once, in words that say what it means, and the answer is what the core keeps. */
    private fun addVerifying(answer: Int): Boolean {
        val a = open()
        type(a, "Bộ Công an", "https://gov.example.org/feed/", key)
        button(a, "Xác minh số của tổ chức: không").performClick()
        button(a, "Xác minh số của tổ chức: có (sẽ hỏi bạn)")
        assertTrue(app().guard.feeds().isEmpty())
        button(a, "Thêm danh sách").performClick()
        val dialog = latestAlert()!!
        assertTrue(dialog.isShowing)
        assertEquals(1, ShadowDialog.getShownDialogs().size)
        assertEquals("Cho phép danh sách này xác minh số của tổ chức?", shadowOf(dialog).title.toString())
        val message = shadowOf(dialog).message.toString()
        assertTrue(message, message.contains("Bộ Công an") && message.contains("an toàn") && message.contains("tên tổ chức"))
        // Nothing is added before the answer.
        assertTrue(app().guard.feeds().isEmpty())
        dialog.getButton(answer).performClick()
        waitUntil(what = "the feed") { app().guard.feeds().isNotEmpty() }
        // Asked once: no second dialog after the answer.
        shadowOf(android.os.Looper.getMainLooper()).idle()
        assertEquals(1, ShadowDialog.getShownDialogs().size)
        return app().guard.feeds().single().verifyOrgs
    }

    @Test
    @Config(qualifiers = "vi")
    fun verifyingOrganisationsIsAskedOnceAndYesIsPassedOn() {
        assertTrue(addVerifying(DialogInterface.BUTTON_POSITIVE))
    }

    @Test
    @Config(qualifiers = "vi")
    fun verifyingOrganisationsIsAskedOnceAndNoIsPassedOn() {
        assertFalse(addVerifying(DialogInterface.BUTTON_NEGATIVE))
    }

    @Test
    @Config(qualifiers = "en")
    fun removingAFeedAsksFirstAndRemovesOnlyIt() {
        app().guard.addFeed("Community", "https://lists.example.org/feed/", listOf(key))
        app().guard.addFeed("Carrier", "https://carrier.example.org/feed/", listOf(key))
        val a = open { it -> texts(it).contains("Carrier\nhttps://carrier.example.org/feed/") }
        val remove = { Harness.buttons(a).single { it.contentDescription == "Stop following Community" } }
        remove().performClick()
        var dialog = latestAlert()!!
        assertEquals(
            "Stop following Community? Its numbers leave this phone. Your other lists and your own numbers stay as they are.",
            shadowOf(dialog).message.toString(),
        )
        dialog.getButton(DialogInterface.BUTTON_NEGATIVE).performClick()
        assertEquals(listOf("Community", "Carrier"), app().guard.feeds().map { it.name })

        remove().performClick()
        dialog = latestAlert()!!
        dialog.getButton(DialogInterface.BUTTON_POSITIVE).performClick()
        waitUntil(what = "the removal") { !texts(a).contains("Community\nhttps://lists.example.org/feed/") }
        assertEquals(listOf("Carrier"), app().guard.feeds().map { it.name })
        assertEquals("Community was removed.", ShadowToast.getTextOfLatestToast())
    }

    /** "Update the list now" syncs every feed: the progress names each, the result names the one that failed. */
    @Test
    @Config(qualifiers = "en")
    fun theMainScreensUpdateNamesTheFeedThatFailed() {
        val url = System.getenv("CANHGIAC_TEST_FEED_URL") ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test")
        val rm = shadowOf(app().getSystemService(android.app.role.RoleManager::class.java))
        rm.addAvailableRole(android.app.role.RoleManager.ROLE_CALL_SCREENING)
        rm.addHeldRole(android.app.role.RoleManager.ROLE_CALL_SCREENING)
        app().guard.addFeed("Community", url, listOf(key), allowHttp = true)
        // Port 9 on loopback: nothing listens there.
        app().guard.addFeed("Dead", "http://127.0.0.1:9/feed/", listOf(key), allowHttp = true)
        val main = Robolectric.buildActivity(vn.canhgiac.app.MainActivity::class.java).setup().get()
        waitUntil(what = "the main screen") { Harness.buttons(main).any { it.text == "Update the list now" } }
        button(main, "Update the list now").performClick()
        val done = "Updated: Community (7 numbers).\nNot updated: Dead. Its list is unchanged."
        waitUntil(what = "the sync's outcome") { texts(main).contains(done) }
        assertEquals(listOf(7uL, 0uL), app().guard.feeds().map { it.entries })
        waitUntil(what = "the list's size") { texts(main).contains("Reported numbers in the list: 7") }
    }

    @Test
    @Config(qualifiers = "en")
    fun theEvidenceThresholdsAreTheCoresPolicy() {
        val a = open()
        button(a, "People who must have reported it: 3").performClick()
        waitUntil(what = "the new threshold") { Harness.buttons(a).any { it.text == "People who must have reported it: 5" } }
        assertEquals(5u, app().guard.policy().minReporters)
        button(a, "Reports count as recent for: 90 days").performClick()
        waitUntil(what = "the new threshold") { Harness.buttons(a).any { it.text == "Reports count as recent for: 180 days" } }
        button(a, "Ignore reports older than: 365 days").performClick()
        waitUntil(what = "the new threshold") { Harness.buttons(a).any { it.text == "Ignore reports older than: 730 days" } }
        val p = app().guard.policy()
        assertEquals(listOf(5u, 180u, 730u), listOf(p.minReporters, p.freshDays, p.expireDays))
    }
}
