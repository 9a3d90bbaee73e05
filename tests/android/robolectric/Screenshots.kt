package vn.canhgiac.tests.robolectric

import android.app.Activity
import android.app.AlertDialog
import android.app.Notification
import android.app.NotificationManager
import android.app.role.RoleManager
import android.content.Intent
import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.drawable.GradientDrawable
import android.net.Uri
import android.view.View
import android.widget.EditText
import android.widget.FrameLayout
import org.junit.After
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowDialog
import vn.canhgiac.app.AboutActivity
import vn.canhgiac.app.FollowActivity
import vn.canhgiac.app.HistoryActivity
import vn.canhgiac.app.ListsActivity
import vn.canhgiac.app.MainActivity
import vn.canhgiac.app.Notices
import vn.canhgiac.app.ReportActivity
import vn.canhgiac.app.SettingsActivity
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.noticeFor
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.Verification
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.importList
import vn.canhgiac.tests.robolectric.Harness.texts
import vn.canhgiac.tests.robolectric.Harness.waitUntil
import java.io.File
import java.io.FileOutputStream

/**
 * Every screen drawn by the framework's own renderer (Robolectric's native graphics) at a
 * phone's size and density, 1080 x 2400 px at 420 dpi, in Vietnamese and English, into the
 * folder given as -Dcanhgiac.shots. ShotCheck.kt then checks each file is there and not blank.
 */
@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class Screenshots {
    @After
    fun closeCore() = Harness.closeCore()

    private val dir = File(System.getProperty("canhgiac.shots") ?: "build/screenshots").also { it.mkdirs() }

    private fun phone(lang: String, extra: String = "") {
        RuntimeEnvironment.setQualifiers("$lang-w411dp-h914dp-port$extra-420dpi")
        Harness.language(if (lang == "vi") LangChoice.VI else LangChoice.EN)
    }

    private fun save(bmp: Bitmap, name: String) {
        FileOutputStream(File(dir, "$name.png")).use { bmp.compress(Bitmap.CompressFormat.PNG, 100, it) }
    }

    /** Lays [view] out at exactly the phone's screen and draws it. */
    private fun draw(view: View, name: String) {
        view.measure(View.MeasureSpec.makeMeasureSpec(W, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(H, View.MeasureSpec.EXACTLY))
        view.layout(0, 0, W, H)
        val bmp = Bitmap.createBitmap(W, H, Bitmap.Config.ARGB_8888)
        view.draw(Canvas(bmp))
        save(bmp, name)
    }

    /** A window smaller than the screen (a dialog, a notification), centred over a dimmed screen. */
    private fun drawOver(view: View, name: String, top: Int? = null) {
        view.measure(View.MeasureSpec.makeMeasureSpec(W - 2 * MARGIN, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(H, View.MeasureSpec.AT_MOST))
        view.layout(0, 0, view.measuredWidth, view.measuredHeight)
        val bmp = Bitmap.createBitmap(W, H, Bitmap.Config.ARGB_8888)
        val c = Canvas(bmp)
        c.drawColor(Color.rgb(0x30, 0x30, 0x30))
        c.translate(MARGIN.toFloat(), (top ?: ((H - view.measuredHeight) / 2)).toFloat())
        view.draw(c)
        save(bmp, name)
    }

    private fun <T : Activity> screen(cls: Class<T>, name: String, ready: (T) -> Boolean = { true }, then: (T) -> Unit = {}): T {
        val a = Robolectric.buildActivity(cls).setup().get()
        waitUntil(what = name) { ready(a) }
        then(a)
        draw(a.window.decorView, name)
        return a
    }

    private fun roleHeld() {
        val rm = shadowOf(app().getSystemService(RoleManager::class.java))
        rm.addAvailableRole(RoleManager.ROLE_CALL_SCREENING)
        rm.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
    }

    /** The list from the run's feed (nginx) when there is one, so that its age shows; else imported. */
    private fun list() {
        val url = System.getenv("CANHGIAC_TEST_FEED_URL")
        if (url != null) {
            app().guard.setFeed(url, listOf(System.getenv("CANHGIAC_TEST_FEED_KEY")!!.trim()), allowHttp = true)
            kotlinx.coroutines.runBlocking { app().guard.sync(null) }
        }
        importList()
    }

    /** The main screen once the core has said how the list is. */
    private fun loaded(a: Activity) = texts(a).any { it.startsWith(a.getString(vn.canhgiac.app.R.string.list_size, "").trimEnd()) }

    private fun mainWithList(name: String) {
        roleHeld()
        list()
        screen(MainActivity::class.java, name, ::loaded) { a ->
            Harness.views(a.window.decorView).filterIsInstance<EditText>().first().setText("0912 345 678")
            Harness.button(a, a.getString(vn.canhgiac.app.R.string.check_button)).performClick()
            waitUntil(what = "the check") { Harness.views(a.window.decorView).any { it.background is GradientDrawable } }
        }
    }

    @Test fun mainVi() { phone("vi"); screen(MainActivity::class.java, "main_vi", ::loaded) }
    @Test fun mainEn() { phone("en"); screen(MainActivity::class.java, "main_en", ::loaded) }
    @Test fun mainListVi() { phone("vi"); mainWithList("main_list_vi") }
    @Test fun mainListEn() { phone("en"); mainWithList("main_list_en") }
    @Test fun mainListViNight() { phone("vi", "-night"); mainWithList("main_list_vi_night") }
    @Test fun mainListViLargeText() { phone("vi"); RuntimeEnvironment.setFontScale(1.3f); mainWithList("main_list_vi_font130") }

    private fun history(name: String) {
        importList()
        val g = app().guard
        for ((n, hidden) in listOf("0987000111" to false, "" to true, "0900000001" to false, "0912345678" to false)) {
            g.record(g.screen(n.ifEmpty { null }, CallFacts(verification = Verification.NOT_VERIFIED, hidden = hidden)))
        }
        screen(HistoryActivity::class.java, name, { a -> Harness.buttons(a).isNotEmpty() })
    }

    @Test fun historyVi() { phone("vi"); history("history_vi") }
    @Test fun historyEn() { phone("en"); history("history_en") }

    private fun lists(name: String) {
        app().guard.allow("0987654321")
        app().guard.block("0900000002")
        app().guard.block("02838123456")
        screen(ListsActivity::class.java, name, { a -> texts(a).contains("0900000002") })
    }

    @Test fun listsVi() { phone("vi"); lists("lists_vi") }
    @Test fun listsEn() { phone("en"); lists("lists_en") }

    @Test fun settingsVi() { phone("vi"); screen(SettingsActivity::class.java, "settings_vi", { a -> Harness.buttons(a).size > 5 }) }
    @Test fun settingsEn() { phone("en"); screen(SettingsActivity::class.java, "settings_en", { a -> Harness.buttons(a).size > 5 }) }
    /**
     * The lists followed (issue 10): one synced from the run's feed (its age and size), one not
     * yet downloaded that may verify organisations; the screen scrolled to them.
     */
    private fun feeds(name: String) {
        val key = System.getenv("CANHGIAC_TEST_FEED_KEY")?.trim() ?: ("58" + "66".repeat(31))
        System.getenv("CANHGIAC_TEST_FEED_URL")?.let { url ->
            app().guard.addFeed("Cộng đồng", url, listOf(key), allowHttp = true)
            kotlinx.coroutines.runBlocking { app().guard.sync(null) }
        }
        app().guard.addFeed("Bộ Công an", "https://lists.example.org/bca/", listOf(key), verifyOrgs = true)
        val heading = { a: Activity -> a.getString(vn.canhgiac.app.R.string.feed_heading) }
        screen(SettingsActivity::class.java, name, { a -> texts(a).contains(heading(a)) }) { a ->
            val root = a.window.decorView
            root.measure(View.MeasureSpec.makeMeasureSpec(W, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(H, View.MeasureSpec.EXACTLY))
            root.layout(0, 0, W, H)
            val top = Harness.textView(a, heading(a))!!.top
            Harness.views(root).filterIsInstance<android.widget.ScrollView>().single().scrollTo(0, top)
        }
    }

    @Test fun settingsFeedsVi() { phone("vi"); feeds("settings_feeds_vi") }
    @Test fun settingsFeedsEn() { phone("en"); feeds("settings_feeds_en") }

    /** The one question before a list may verify organisation numbers. */
    private fun verifyDialog(name: String) {
        val a = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        val add = a.getString(vn.canhgiac.app.R.string.feed_add)
        waitUntil(what = name) { Harness.buttons(a).any { it.text == add } }
        val fields = Harness.views(a.window.decorView).filterIsInstance<EditText>()
        fields[0].setText("Bộ Công an")
        fields[1].setText("https://lists.example.org/bca/")
        fields[2].setText("58" + "66".repeat(31))
        Harness.button(a, a.getString(vn.canhgiac.app.R.string.feed_verify_off)).performClick()
        Harness.buttons(a).last { it.text == add }.performClick()
        drawOver((ShadowDialog.getLatestDialog() as AlertDialog).window!!.decorView, name)
    }

    @Test fun verifyDialogVi() { phone("vi"); verifyDialog("verify_dialog_vi") }
    @Test fun verifyDialogEn() { phone("en"); verifyDialog("verify_dialog_en") }

    /** A publisher's follow link opened (issue 22): the list, its address and key fingerprint; and an http link refused. */
    private fun followDialog(name: String, url: String) {
        val key = System.getenv("CANHGIAC_TEST_FEED_KEY")?.trim() ?: ("58" + "66".repeat(31))
        val enc = { t: String -> java.net.URLEncoder.encode(t, "UTF-8").replace("+", "%20") }
        val link = "canhgiac://follow?v=1&name=${enc("Công an tỉnh X")}&url=${enc(url)}&key=$key"
        Robolectric.buildActivity(FollowActivity::class.java, Intent(Intent.ACTION_VIEW, Uri.parse(link))).setup()
        waitUntil(what = name) { ShadowDialog.getLatestDialog()?.isShowing == true }
        drawOver((ShadowDialog.getLatestDialog() as AlertDialog).window!!.decorView, name)
    }

    @Test fun followDialogVi() { phone("vi"); followDialog("follow_dialog_vi", "https://lists.example.org/danh-sach/") }
    @Test fun followDialogEn() { phone("en"); followDialog("follow_dialog_en", "https://lists.example.org/danh-sach/") }
    @Test fun followRefusedVi() { phone("vi"); followDialog("follow_refused_vi", "http://lists.example.org/danh-sach/") }
    @Test fun followRefusedEn() { phone("en"); followDialog("follow_refused_en", "http://lists.example.org/danh-sach/") }

    @Test fun aboutVi() { phone("vi"); screen(AboutActivity::class.java, "about_vi") }
    @Test fun aboutEn() { phone("en"); screen(AboutActivity::class.java, "about_en") }

    /** The report flow's error: no SMS app on the phone. */
    private fun reportError(name: String) {
        shadowOf(app()).checkActivities(true)
        val intent = ReportActivity.intent(app(), "0912345678", ReportKind.SCAM_CALL, 0, "mạo danh công an")
        Robolectric.buildActivity(ReportActivity::class.java, intent).setup()
        waitUntil(what = "the dialog") { ShadowDialog.getLatestDialog() != null }
        drawOver((ShadowDialog.getLatestDialog() as AlertDialog).window!!.decorView, name)
    }

    @Test fun reportErrorVi() { phone("vi"); reportError("report_error_vi") }
    @Test fun reportErrorEn() { phone("en"); reportError("report_error_en") }

    /** The warning while it rings: the notification as the system's own template draws it, expanded. */
    private fun warning(name: String) {
        importList()
        val verdict = app().guard.screen("0912345678", CallFacts(verification = Verification.NOT_VERIFIED))
        Notices.show(app(), noticeFor(verdict, app().lang())!!)
        val nm = app().getSystemService(NotificationManager::class.java)
        val n = shadowOf(nm).allNotifications.single()
        val content = Notification.Builder.recoverBuilder(app(), n).createBigContentView().apply(app(), FrameLayout(app()))
        val card = FrameLayout(app())
        card.background = GradientDrawable().apply { setColor(Color.WHITE); cornerRadius = 40f }
        card.setPadding(0, 24, 0, 24)
        card.addView(content)
        drawOver(card, name, top = 160)
    }

    @Test fun warningVi() { phone("vi"); warning("warning_vi") }
    @Test fun warningEn() { phone("en"); warning("warning_en") }

    /** The card over the incoming-call screen (issue 11), where it sits, over a plain dark screen. */
    private fun card(name: String) {
        org.robolectric.shadows.ShadowSettings.setCanDrawOverlays(true)
        importList()
        val verdict = app().guard.screen("0912345678", CallFacts(verification = Verification.NOT_VERIFIED))
        vn.canhgiac.app.CallCard.show(app(), vn.canhgiac.app.logic.cardFor(verdict, app().lang())!!)
        val wm = app().getSystemService(android.view.WindowManager::class.java) as android.view.WindowManagerImpl
        val view = org.robolectric.shadow.api.Shadow.extract<org.robolectric.shadows.ShadowWindowManagerImpl>(wm).views.last()
        val lp = view.layoutParams as android.view.WindowManager.LayoutParams
        view.measure(View.MeasureSpec.makeMeasureSpec(W, View.MeasureSpec.EXACTLY), View.MeasureSpec.makeMeasureSpec(H, View.MeasureSpec.AT_MOST))
        view.layout(0, 0, W, view.measuredHeight)
        val bmp = Bitmap.createBitmap(W, H, Bitmap.Config.ARGB_8888)
        val c = Canvas(bmp)
        c.drawColor(Color.rgb(0x20, 0x21, 0x24))
        c.translate(0f, lp.y.toFloat())
        view.draw(c)
        save(bmp, name)
        vn.canhgiac.app.CallCard.remove(app())
    }

    @Test fun cardVi() { phone("vi"); card("card_vi") }
    @Test fun cardEn() { phone("en"); card("card_en") }
    @Test fun cardViLargeText() { phone("vi"); RuntimeEnvironment.setFontScale(1.3f); card("card_vi_font130") }
    @Test fun cardEnLargeText() { phone("en"); RuntimeEnvironment.setFontScale(1.3f); card("card_en_font130") }

    companion object {
        const val W = 1080
        const val H = 2400
        const val MARGIN = 48

        /** What ShotCheck expects. */
        val NAMES = listOf("main", "main_list", "history", "lists", "settings", "settings_feeds", "verify_dialog", "follow_dialog", "follow_refused", "about", "report_error", "warning")
            .flatMap { listOf("${it}_vi", "${it}_en") } + listOf("main_list_vi_night", "main_list_vi_font130", "card_vi", "card_en", "card_vi_font130", "card_en_font130")
    }
}
