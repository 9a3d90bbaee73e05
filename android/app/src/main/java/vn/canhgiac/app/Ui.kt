package vn.canhgiac.app

import android.app.Activity
import android.content.Context
import android.graphics.Typeface
import android.graphics.drawable.GradientDrawable
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import android.widget.Toast
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.canhgiac.app.logic.HOTLINE_DIAL_URI
import vn.canhgiac.app.logic.AgeUnit
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.ListAge
import vn.canhgiac.app.logic.Recovery
import vn.canhgiac.app.logic.shortNumber
import vn.canhgiac.core.Action
import vn.canhgiac.core.Level

/**
 * Every screen of the app. [refresh] shows it as it is now, each time it comes to the front;
 * [io] calls the core off the main thread and hands its outcome back on the main thread. The
 * scope ends with the screen (onDestroy), so a result that arrives after the screen is gone
 * is dropped.
 */
abstract class CoreActivity : Activity() {
    protected val scope = MainScope()

    val app: CanhGiacApp get() = CanhGiacApp.of(this)

    /** Shows the screen; called from onResume. Screens that read the core do it through [io]. */
    protected open fun refresh() {}

    override fun onResume() {
        super.onResume()
        refresh()
    }

    /** Runs [work] off the main thread, then [done] with its outcome; a failure is also logged. */
    fun <T> io(work: () -> T, done: (Result<T>) -> Unit) {
        scope.launch {
            val r = withContext(Dispatchers.IO) { runCatching { work() } }
            r.exceptionOrNull()?.let { logFailure(javaClass.simpleName, it) }
            done(r)
        }
    }

    /** One change off the main thread: when it fails, [failed]'s text says so; then the screen is shown again. */
    protected fun change(work: () -> Unit, failed: (Throwable) -> String) {
        io(work) { r ->
            r.exceptionOrNull()?.let { toast(failed(it)) }
            refresh()
        }
    }

    /** Replaces what the screen shows with a column headed by [title] and filled by [rows]. */
    protected fun show(title: Int, rows: Column.() -> Unit) {
        val ui = Column(this)
        ui.heading(getString(title))
        ui.rows()
        ui.show()
    }

    fun toast(text: String) = Toast.makeText(this, text, Toast.LENGTH_LONG).show()

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }
}

/**
 * Screens are plain platform views built in code: a scrolling column of rows. Made for the
 * people scammers call, who are often older: large text in sp (it follows the phone's font
 * size), full-contrast colours from the theme (day and night), touch targets of at least
 * [R.dimen.touch_min], one [primary] action per screen, and the verdict's level as a coloured
 * [badge] with its word on it.
 */
class Column(private val activity: Activity) {
    val root = LinearLayout(activity)
    private val res = activity.getResources()
    private val gap = res.getDimensionPixelSize(R.dimen.gap)

    init {
        root.setOrientation(LinearLayout.VERTICAL)
        val pad = res.getDimensionPixelSize(R.dimen.padding)
        root.setPadding(pad, pad, pad, pad)
    }

    fun show() {
        val scroll = ScrollView(activity)
        // targetSdk 35+ draws edge to edge: keep the rows clear of the status and navigation bars.
        scroll.setFitsSystemWindows(true)
        scroll.addView(root)
        activity.setContentView(scroll)
    }

    private fun add(v: View, topGap: Int = gap) {
        val lp = LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, LinearLayout.LayoutParams.WRAP_CONTENT)
        lp.topMargin = topGap
        root.addView(v, lp)
    }

    /** Large text (in sp, so it follows the phone's font size) in the theme's full-contrast colour. */
    private fun TextView.size(dimen: Int) {
        setTextSize(TypedValue.COMPLEX_UNIT_PX, res.getDimension(dimen))
        setTextColor(activity.getColor(R.color.text))
    }

    /** A screen's or a section's title; TalkBack announces it as a heading. */
    fun heading(text: CharSequence): TextView {
        val v = TextView(activity)
        v.setText(text)
        v.size(R.dimen.text_heading)
        v.setTypeface(Typeface.DEFAULT_BOLD)
        v.setAccessibilityHeading(true)
        add(v, if (root.getChildCount() == 0) 0 else gap * 2)
        return v
    }

    fun text(text: CharSequence): TextView {
        val v = TextView(activity)
        v.setText(text)
        v.size(R.dimen.text_body)
        v.setTextIsSelectable(true)
        add(v)
        return v
    }

    /** A line that must not be missed: bold, in the theme's warning colour (red by day, light red by night). */
    fun warning(text: CharSequence): TextView {
        val v = text(text)
        v.setTextColor(activity.getColor(R.color.warning))
        v.setTypeface(Typeface.DEFAULT_BOLD)
        return v
    }

    /** Good news in the same way: bold, in the theme's green. */
    fun good(text: CharSequence): TextView {
        val v = text(text)
        v.setTextColor(activity.getColor(R.color.protected_ok))
        v.setTypeface(Typeface.DEFAULT_BOLD)
        return v
    }

    /** The level as a rounded coloured badge with its word, then [after] (e.g. what was done) beside it. */
    fun badge(level: Level, after: CharSequence? = null): TextView {
        val row = LinearLayout(activity)
        row.setOrientation(LinearLayout.HORIZONTAL)
        row.setGravity(Gravity.CENTER_VERTICAL)
        val badge = TextView(activity)
        badge.setText(activity.label(level))
        badge.size(R.dimen.text_badge)
        badge.setTypeface(Typeface.DEFAULT_BOLD)
        val (bg, fg) = levelColors(level)
        badge.setTextColor(activity.getColor(fg))
        val shape = GradientDrawable()
        shape.setColor(activity.getColor(bg))
        shape.setCornerRadius(gap.toFloat())
        badge.setBackground(shape)
        badge.setPadding(gap, gap / 2, gap, gap / 2)
        row.addView(badge)
        if (after != null) {
            val t = TextView(activity)
            t.setText(after)
            t.size(R.dimen.text_body)
            t.setPadding(gap, 0, 0, 0)
            row.addView(t)
        }
        add(row)
        return badge
    }

    /** The screen's one main action: filled in the accent colour. */
    fun primary(label: CharSequence, onClick: () -> Unit): Button {
        val b = button(label, onClick, Button(activity, null, 0, android.R.style.Widget_Material_Button_Colored))
        b.setTextColor(activity.getColor(R.color.on_accent))
        return b
    }

    fun button(label: CharSequence, onClick: () -> Unit): Button = button(label, onClick, Button(activity))

    private fun button(label: CharSequence, onClick: () -> Unit, b: Button): Button {
        b.setText(label)
        b.size(R.dimen.text_button)
        // Platform buttons write in capitals: harder to read, and Vietnamese loses nothing to case.
        b.setAllCaps(false)
        b.setMinHeight(res.getDimensionPixelSize(R.dimen.touch_min))
        b.setMinimumHeight(res.getDimensionPixelSize(R.dimen.touch_min))
        b.setOnClickListener { onClick() }
        add(b)
        return b
    }

    /** A text field under a visible label, which TalkBack reads for the field too. */
    fun input(label: CharSequence, value: String = ""): EditText {
        val l = text(label)
        l.setTextIsSelectable(false)
        val e = EditText(activity)
        e.setId(View.generateViewId())
        e.setText(value)
        e.setSingleLine(true)
        e.size(R.dimen.text_body)
        e.setMinHeight(res.getDimensionPixelSize(R.dimen.touch_min))
        l.setLabelFor(e.getId())
        add(e, gap / 2)
        return e
    }
}

/** Badge background and text colours: white on the dark ones, black on the yellow. */
fun levelColors(level: Level): Pair<Int, Int> = when (level) {
    Level.SCAM -> R.color.level_scam to R.color.on_level_dark
    Level.BLOCKED -> R.color.level_blocked to R.color.on_level_dark
    Level.NUISANCE -> R.color.level_nuisance to R.color.on_level_dark
    Level.SUSPICIOUS -> R.color.level_suspicious to R.color.on_level_light
    Level.UNKNOWN -> R.color.level_unknown to R.color.on_level_dark
    Level.SAFE -> R.color.level_safe to R.color.on_level_dark
}

/** "Nhắn tin 156" or "Nhắn tin 5656", after the user's choice of hotline. */
fun Context.reportLabel(): String =
    getString(R.string.action_report, CanhGiacApp.of(this).settings().reportTarget.shortNumber())

/** "Gọi 156": the number in [HOTLINE_DIAL_URI], whichever hotline the SMS goes to. */
fun Context.callLabel(): String = getString(R.string.action_call, HOTLINE_DIAL_URI.removePrefix("tel:"))

// The one mapping from each level, action and language choice to its label.

fun Context.label(level: Level): String = getString(
    when (level) {
        Level.SAFE -> R.string.level_safe
        Level.UNKNOWN -> R.string.level_unknown
        Level.SUSPICIOUS -> R.string.level_suspicious
        Level.NUISANCE -> R.string.level_nuisance
        Level.SCAM -> R.string.level_scam
        Level.BLOCKED -> R.string.level_blocked
    },
)

fun Context.label(action: Action): String = getString(
    when (action) {
        Action.ALLOW -> R.string.action_allow
        Action.WARN -> R.string.action_warn
        Action.SILENCE -> R.string.action_silence
        Action.BLOCK -> R.string.action_block
    },
)

/** "List updated 3 days ago", in the phone's language, with its plural rules. */
fun Context.label(age: ListAge): String = when (age.unit) {
    AgeUnit.NOW -> getString(R.string.list_age_now)
    AgeUnit.MINUTES -> getResources().getQuantityString(R.plurals.list_age_minutes, age.count, age.count)
    AgeUnit.HOURS -> getResources().getQuantityString(R.plurals.list_age_hours, age.count, age.count)
    AgeUnit.DAYS -> getResources().getQuantityString(R.plurals.list_age_days, age.count, age.count)
}

fun Context.label(note: Recovery): String = getString(
    when (note) {
        Recovery.USER_DATA_RESTORED -> R.string.recovered_user_restored
        Recovery.USER_DATA_LOST -> R.string.recovered_user_lost
        Recovery.LIST_SET_ASIDE -> R.string.recovered_list
    },
)

fun Context.label(lang: LangChoice): String = getString(
    when (lang) {
        LangChoice.SYSTEM -> R.string.lang_system
        LangChoice.VI -> R.string.lang_vi
        LangChoice.EN -> R.string.lang_en
    },
)
