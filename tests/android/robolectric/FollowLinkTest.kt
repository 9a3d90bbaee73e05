package vn.canhgiac.tests.robolectric

import android.app.AlertDialog
import android.content.DialogInterface
import android.content.Intent
import android.net.Uri
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog
import vn.canhgiac.app.FollowActivity
import vn.canhgiac.app.SettingsActivity
import vn.canhgiac.core.keyFingerprint
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.waitUntil
import java.net.URLEncoder

/**
 * One tap to follow (issue 22, part 5): a publisher's `canhgiac://follow?…` link opens
 * FollowActivity through its intent filter; the real core reads it. The list is followed only
 * after a tap on Follow, never allowed to verify organisation numbers; Cancel, a refused link or
 * a list followed already change nothing.
 */
@RunWith(RobolectricTestRunner::class)
class FollowLinkTest {
    @After
    fun closeCore() = Harness.closeCore()

    private val key = System.getenv("CANHGIAC_TEST_FEED_KEY")?.trim() ?: ("58" + "66".repeat(31))
    private val otherKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

    private fun enc(s: String) = URLEncoder.encode(s, "UTF-8").replace("+", "%20")

    private fun link(name: String, url: String, vararg keys: String) =
        "canhgiac://follow?v=1&name=${enc(name)}&url=${enc(url)}" + keys.joinToString("") { "&key=$it" }

    private fun view(link: String) =
        Intent(Intent.ACTION_VIEW, Uri.parse(link)).addCategory(Intent.CATEGORY_BROWSABLE)

    /** Opens the link as a browser would, and waits for the dialog. */
    private fun open(link: String): Pair<FollowActivity, AlertDialog> {
        val a = Robolectric.buildActivity(FollowActivity::class.java, view(link)).setup().get()
        waitUntil(what = "the follow dialog") { ShadowAlertDialog.getLatestAlertDialog()?.isShowing == true }
        return a to ShadowAlertDialog.getLatestAlertDialog()!!
    }

    private fun title(d: AlertDialog) = shadowOf(d).title.toString()
    private fun message(d: AlertDialog) = shadowOf(d).message.toString()
    private fun button(d: AlertDialog, which: Int) = d.getButton(which)

    @Test
    fun theLinkOpensTheFollowScreenFromABrowser() {
        val matches = app().packageManager.queryIntentActivities(view(link("A", "https://a.example/", key)), 0)
        assertEquals(listOf(FollowActivity::class.java.name), matches.map { it.activityInfo.name })
        assertTrue(matches.single().activityInfo.exported)
        // Another host of the scheme is not ours to open.
        assertTrue(app().packageManager.queryIntentActivities(view("canhgiac://other?v=1"), 0).isEmpty())
    }

    @Test
    @Config(qualifiers = "vi")
    fun aValidLinkShowsTheListAndFollowsItOnlyOnConfirm() {
        val url = "https://lists.example.org/feed/"
        val (a, d) = open(link("Công an tỉnh X", url, key))
        assertEquals("Theo dõi danh sách này?", title(d))
        val m = message(d)
        assertTrue(m, m.startsWith("Công an tỉnh X\n\nĐịa chỉ: $url\n\nKhóa của đơn vị công bố:\n${keyFingerprint(key)}\n"))
        assertEquals("Theo dõi", button(d, DialogInterface.BUTTON_POSITIVE).text.toString())
        assertEquals("Hủy", button(d, DialogInterface.BUTTON_NEGATIVE).text.toString())
        // Shown is not followed.
        assertTrue(app().guard.feeds().isEmpty())
        button(d, DialogInterface.BUTTON_POSITIVE).performClick()
        waitUntil(what = "the list followed") { app().guard.feeds().isNotEmpty() }
        val f = app().guard.feeds().single()
        assertEquals(listOf("Công an tỉnh X", url), listOf(f.name, f.url))
        assertEquals(listOf(key), f.publicKeys)
        assertFalse(f.verifyOrgs)
        // Then the lists, in the app's own task.
        waitUntil(what = "the lists shown") { a.isFinishing }
        val next = shadowOf(a).nextStartedActivity
        assertEquals(SettingsActivity::class.java.name, next.component!!.className)
        assertTrue(next.flags and Intent.FLAG_ACTIVITY_NEW_TASK != 0)
        assertEquals("Đã thêm Công an tỉnh X. Danh sách sẽ được tải về ở lần cập nhật tới.", org.robolectric.shadows.ShadowToast.getTextOfLatestToast())
    }

    @Test
    @Config(qualifiers = "en")
    fun cancelFollowsNothing() {
        val (a, d) = open(link("Community", "https://lists.example.org/feed/", key))
        assertEquals("Follow this list?", title(d))
        assertEquals("Cancel", button(d, DialogInterface.BUTTON_NEGATIVE).text.toString())
        button(d, DialogInterface.BUTTON_NEGATIVE).performClick()
        waitUntil(what = "the screen closed") { a.isFinishing }
        assertTrue(app().guard.feeds().isEmpty())
        assertNull(shadowOf(a).nextStartedActivity)
    }

    @Test
    @Config(qualifiers = "en")
    fun aLinkClaimingTheRightToVerifyIsFollowedWithoutIt() {
        val (_, d) = open(link("Carrier", "https://carrier.example/feed/", key) + "&verify_orgs=1&verifyOrgs=true")
        val m = message(d)
        assertTrue(m, m.contains("It is not allowed to verify organisation numbers"))
        button(d, DialogInterface.BUTTON_POSITIVE).performClick()
        waitUntil(what = "the list followed") { app().guard.feeds().isNotEmpty() }
        assertFalse(app().guard.feeds().single().verifyOrgs)
    }

    /** A refused link: its reason (the app's words, then the core's), one Close button, nothing followed. */
    private fun refused(link: String, words: String, core: String) {
        val (a, d) = open(link)
        val m = message(d)
        assertTrue(m, m.startsWith(words) && m.contains(core))
        assertNull(button(d, DialogInterface.BUTTON_NEGATIVE).takeIf { it.visibility == android.view.View.VISIBLE })
        button(d, DialogInterface.BUTTON_POSITIVE).performClick()
        waitUntil(what = "the screen closed") { a.isFinishing }
        assertTrue(app().guard.feeds().isEmpty())
        assertNull(shadowOf(a).nextStartedActivity)
    }

    @Test
    @Config(qualifiers = "en")
    fun aMalformedLinkSaysWhyAndFollowsNothing() {
        refused(
            "canhgiac://follow?v=1&name=Community&key=$key",
            "The link is damaged or incomplete.",
            "the link gives no address (`url=`)",
        )
        assertEquals("This link cannot be followed", title(ShadowAlertDialog.getLatestAlertDialog()!!))
    }

    @Test
    @Config(qualifiers = "en")
    fun fiveKeysAreRefused() {
        refused(
            link("Community", "https://lists.example.org/feed/", key, otherKey, "a".repeat(64), "b".repeat(64), "c".repeat(64)),
            "The link is damaged or incomplete.",
            "more than 4 keys",
        )
    }

    @Test
    @Config(qualifiers = "vi")
    fun anHttpLinkSaysWhyAndFollowsNothing() {
        refused(
            link("Cộng đồng", "http://lists.example.org/feed/", key),
            "Địa chỉ của danh sách là http thường. Danh sách chỉ được tải qua https",
            "a feed must be fetched over https",
        )
        assertEquals("Không thể theo dõi liên kết này", title(ShadowAlertDialog.getLatestAlertDialog()!!))
    }

    @Test
    @Config(qualifiers = "en")
    fun aListFollowedAlreadyIsSaidToBeAndItsKeysStay() {
        app().guard.addFeed("Community", "https://lists.example.org/feed/", listOf(key), verifyOrgs = true)
        val held = app().guard.feeds()
        // The same address (its manifest) under another name with another key; the same name elsewhere.
        for (text in listOf(
            link("Other", "https://lists.example.org/feed/manifest.json", otherKey),
            link("Community", "https://elsewhere.example/", otherKey),
        )) {
            val (a, d) = open(text)
            assertEquals("You already follow this list", title(d))
            assertTrue(message(d), message(d).startsWith("Community (https://lists.example.org/feed/) is already among your lists."))
            // Nothing offers to follow or replace: Show my lists, or Close.
            val labels = listOf(DialogInterface.BUTTON_POSITIVE, DialogInterface.BUTTON_NEGATIVE).map { button(d, it).text.toString() }
            assertEquals(listOf("Show my lists", "Close"), labels)
            button(d, DialogInterface.BUTTON_POSITIVE).performClick()
            waitUntil(what = "the lists shown") { a.isFinishing }
            assertEquals(SettingsActivity::class.java.name, shadowOf(a).nextStartedActivity.component!!.className)
            assertEquals(held, app().guard.feeds())
        }
        assertTrue(app().guard.feeds().single().verifyOrgs)
    }
}
