package vn.canhgiac.tests.robolectric

import android.app.Activity
import android.app.role.RoleManager
import android.widget.EditText
import android.widget.TextView
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.After
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowToast
import vn.canhgiac.app.HistoryActivity
import vn.canhgiac.app.ListsActivity
import vn.canhgiac.app.MainActivity
import vn.canhgiac.app.R
import vn.canhgiac.app.SettingsActivity
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.Verification
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.button
import vn.canhgiac.tests.robolectric.Harness.importList
import vn.canhgiac.tests.robolectric.Harness.texts
import vn.canhgiac.tests.robolectric.Harness.waitUntil

/** The screens on the real framework with the app's resources, against the real core. */
@RunWith(RobolectricTestRunner::class)
class ScreensTest {
    @After
    fun closeCore() = Harness.closeCore()

    private fun <T : Activity> open(cls: Class<T>, ready: (T) -> Boolean): T {
        val a = Robolectric.buildActivity(cls).setup().get()
        waitUntil(what = "${cls.simpleName} to show the core's data") { ready(a) }
        return a
    }

    private fun roles(held: Boolean) {
        val rm = shadowOf(app().getSystemService(RoleManager::class.java))
        rm.addAvailableRole(RoleManager.ROLE_CALL_SCREENING)
        if (held) rm.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
    }

    private fun listSizeShown(a: Activity) = texts(a).any { it.startsWith(a.getString(R.string.list_size, "").trimEnd()) }

    @Test
    @Config(qualifiers = "vi")
    fun mainWithoutTheRoleAsksForIt() {
        roles(held = false)
        val main = open(MainActivity::class.java, ::listSizeShown)
        assertTrue(texts(main).contains("Chưa bật bảo vệ."))
        button(main, "Cho phép Cảnh Giác lọc cuộc gọi").performClick()
        val request = shadowOf(main).nextStartedActivityForResult
        assertEquals(RoleManager.ACTION_REQUEST_ROLE, request.intent.action)
        assertEquals(RoleManager.ROLE_CALL_SCREENING, request.intent.getStringExtra(android.content.Intent.EXTRA_ROLE_NAME))
        assertEquals(1, request.requestCode)
    }

    @Test
    @Config(qualifiers = "vi")
    fun mainWithTheRoleSaysProtectionIsOnAndShowsTheListSize() {
        roles(held = true)
        importList()
        val main = open(MainActivity::class.java, ::listSizeShown)
        assertTrue(texts(main).contains("Đang bảo vệ: cuộc gọi từ số không có trong danh bạ sẽ được kiểm tra."))
        assertFalse(Harness.buttons(main).any { it.text == "Cho phép Cảnh Giác lọc cuộc gọi" })
        assertTrue(texts(main).contains("Số bị phản ánh trong danh sách: 2"))
        // Turning protection off is saved to the app's settings and shown at once.
        button(main, "Tắt bảo vệ").performClick()
        waitUntil { texts(main).contains("Chưa bật bảo vệ.") }
        assertFalse(app().settings().protectionOn)
    }

    /** Issue 21: a checked number offers both channels of the hotline, SMS and a call. */
    @Test
    @Config(qualifiers = "vi")
    fun aCheckedNumberOffersTextAndCall156() {
        roles(held = true)
        importList()
        val dialer = android.content.ComponentName("org.example.dialer", "org.example.dialer.Dial")
        val pm = shadowOf(app().packageManager)
        pm.addActivityIfNotPresent(dialer)
        pm.addIntentFilterForActivity(dialer, android.content.IntentFilter(android.content.Intent.ACTION_DIAL).apply {
            addCategory(android.content.Intent.CATEGORY_DEFAULT)
            addDataScheme("tel")
        })
        val main = open(MainActivity::class.java, ::listSizeShown)
        // From here an intent nothing handles fails as on a phone; what the screen started
        // on opening (the notification permission's request) is set aside.
        shadowOf(app()).checkActivities(true)
        while (shadowOf(main).nextStartedActivity != null) Unit
        Harness.views(main.window.decorView).filterIsInstance<EditText>().first().setText("0912 345 678")
        button(main, main.getString(R.string.check_button)).performClick()
        waitUntil(what = "the check") { Harness.buttons(main).any { it.text == "Gọi 156" } }
        val labels = Harness.buttons(main).map { it.text.toString() }
        val sms = labels.indexOf("Nhắn tin 156")
        assertTrue("$labels", sms >= 0 && labels[sms + 1] == "Gọi 156")
        button(main, "Gọi 156").performClick()
        val dial = shadowOf(main).nextStartedActivity
        assertEquals(android.content.Intent.ACTION_DIAL, dial.action)
        assertEquals("tel:156", dial.dataString)
    }

    @Test
    @Config(qualifiers = "en")
    fun mainShowsTheAgeOfASyncedList() {
        roles(held = true)
        val url = System.getenv("CANHGIAC_TEST_FEED_URL") ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test")
        app().guard.setFeed(url, listOf(System.getenv("CANHGIAC_TEST_FEED_KEY")!!.trim()), allowHttp = true)
        val outcome = kotlinx.coroutines.runBlocking { app().guard.sync(null) }.single().outcome!!
        val main = open(MainActivity::class.java, ::listSizeShown)
        val total = app().guard.stats().let { it.reportedNumbers + it.reportedPrefixes }
        assertEquals(outcome.entries, total)
        assertTrue(texts(main).contains("Reported numbers in the list: $total"))
        // The feed was built by this run, minutes ago at most.
        val age = texts(main).single { it.startsWith("List updated") }
        assertTrue(age, age == "List updated just now" || Regex("List updated \\d+ minutes? ago").matches(age))
        assertTrue(Harness.buttons(main).any { it.text == "Update the list now" })
    }

    @Test
    @Config(qualifiers = "en")
    fun settingsRefuseAPlainHttpAddressAndKeepWhatWasTyped() {
        val settings = open(SettingsActivity::class.java) { a -> Harness.buttons(a).any { it.text == "Add the list" } }
        val fields = Harness.views(settings.window.decorView).filterIsInstance<EditText>()
        fields[0].setText("Community")
        fields[1].setText("http://lists.example.org/feed/")
        fields[2].setText("58" + "66".repeat(31))
        button(settings, "Add the list").performClick()
        waitUntil(what = "the refusal") { ShadowToast.getTextOfLatestToast() != null }
        val toast = ShadowToast.getTextOfLatestToast()
        assertTrue(toast, toast.startsWith("The source was not saved: "))
        assertTrue(toast, toast.contains("https"))
        assertEquals(emptyList<Any>(), app().guard.feeds())
        assertEquals("http://lists.example.org/feed/", fields[1].text.toString())
    }

    @Test
    @Config(qualifiers = "vi")
    fun listsShowBothListsWithTheirNumbers() {
        app().guard.allow("0987654321")
        app().guard.block("0900000002")
        val lists = open(ListsActivity::class.java) { a -> texts(a).contains("0987654321") }
        val t = texts(lists)
        assertTrue(t.indexOf("Số tin cậy") < t.indexOf("0987654321"))
        assertTrue(t.indexOf("0987654321") < t.indexOf("Số bị chặn"))
        assertTrue(t.indexOf("Số bị chặn") < t.indexOf("0900000002"))
        assertEquals(2, Harness.buttons(lists).count { it.text == "Xóa" })
    }

    @Test
    @Config(qualifiers = "vi")
    fun historyShowsEachCallWithItsLevelAsABadgeWithItsWord() {
        importList()
        val g = app().guard
        g.record(g.screen("0912345678", CallFacts(verification = Verification.NOT_VERIFIED)))
        g.record(g.screen(null, CallFacts(verification = Verification.NOT_VERIFIED, hidden = true)))
        val history = open(HistoryActivity::class.java) { a -> texts(a).contains("Số ẩn") }
        val t = texts(history)
        assertTrue(t.toString(), t.contains("Lừa đảo"))
        assertTrue(t.toString(), t.contains("Số lạ"))
        // The badge: its word on a coloured background, never the colour alone.
        val badge = Harness.textView(history, "Lừa đảo")!!
        assertTrue(badge.background is android.graphics.drawable.GradientDrawable)
        assertEquals(history.getColor(R.color.on_level_dark), badge.currentTextColor)
        // Only the reported call can be reported (a hidden caller has no number).
        assertEquals(1, Harness.buttons(history).count { it.text == "Nhắn tin 156" })
    }

    @Test
    @Config(qualifiers = "en")
    fun textFollowsTheFontScaleAndButtonsAreLargeEnoughToTouch() {
        RuntimeEnvironment.setFontScale(1.3f)
        val about = open(vn.canhgiac.app.AboutActivity::class.java) { a -> texts(a).size > 2 }
        val dm = about.resources.displayMetrics
        val body = Harness.views(about.window.decorView).filterIsInstance<TextView>().first { it.text.startsWith("Cảnh Giác checks") }
        // The framework's own conversion of the app's 20sp at this scale (non-linear since
        // Android 14: large text grows less than small text), and clearly larger than at 1.0.
        assertEquals(about.resources.getDimension(R.dimen.text_body), body.textSize, 0.01f)
        assertTrue("${body.textSize}px", body.textSize > 20f * dm.density * 1.15f)
        val main = open(MainActivity::class.java, ::listSizeShown)
        for (b in Harness.buttons(main)) {
            assertTrue("${b.text}: ${b.minHeight}px", b.minHeight >= 48 * dm.density)
        }
    }

    @Test
    @Config(qualifiers = "vi")
    fun everyControlHasALabelForTalkBackAndRoomForAFinger() {
        importList()
        app().guard.allow("0987654321")
        app().guard.record(app().guard.screen("0912345678", CallFacts(verification = Verification.NOT_VERIFIED)))
        val screens = listOf(
            open(MainActivity::class.java, ::listSizeShown),
            open(HistoryActivity::class.java) { a -> Harness.buttons(a).isNotEmpty() },
            open(ListsActivity::class.java) { a -> texts(a).contains("0987654321") },
            open(SettingsActivity::class.java) { a -> Harness.buttons(a).size > 5 },
            open(vn.canhgiac.app.AboutActivity::class.java) { a -> texts(a).size > 2 },
        )
        for (a in screens) {
            val name = a.javaClass.simpleName
            val views = Harness.views(a.window.decorView)
            val density = a.resources.displayMetrics.density
            // The screen's title is announced as a heading.
            assertTrue(name, views.filterIsInstance<TextView>().first { it.text.isNotEmpty() }.isAccessibilityHeading)
            for (b in Harness.buttons(a)) {
                assertTrue("$name: a button without words", b.text.isNotBlank())
                b.measure(0, 0)
                assertTrue("$name: '${b.text}' is ${b.measuredHeight / density} dp high", b.measuredHeight >= 48 * density)
            }
            val labelled = views.filterIsInstance<TextView>().map { it.labelFor }.toSet()
            for (e in views.filterIsInstance<EditText>()) assertTrue("$name: a text field without a label", e.id in labelled)
        }
        // A "Xóa" (remove) button says which number it removes.
        val lists = screens[2]
        assertEquals("Xóa 0987654321", Harness.buttons(lists).single { it.text == "Xóa" }.contentDescription)
    }
}
