package vn.canhgiac.app

import android.app.Activity
import android.content.Context
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

/** Screens are plain platform views built in code: a scrolling column of rows. */
class Column(private val activity: Activity) {
    val root = LinearLayout(activity)

    init {
        root.setOrientation(LinearLayout.VERTICAL)
        val pad = (16 * activity.getResources().getDisplayMetrics().density).toInt()
        root.setPadding(pad, pad, pad, pad)
    }

    fun show() {
        val scroll = ScrollView(activity)
        // targetSdk 35+ draws edge to edge: keep the rows clear of the status and navigation bars.
        scroll.setFitsSystemWindows(true)
        scroll.addView(root)
        activity.setContentView(scroll)
    }

    fun heading(text: CharSequence): TextView = text(text, 22f)

    fun text(text: CharSequence, size: Float = 16f): TextView {
        val v = TextView(activity)
        v.setText(text)
        v.setTextSize(size)
        v.setTextIsSelectable(true)
        root.addView(v)
        return v
    }

    /** A line that must not be missed: larger, in the warning colour. */
    fun warning(text: CharSequence): TextView {
        val v = text(text, 18f)
        v.setTextColor(WARNING_COLOR)
        return v
    }

    fun button(label: CharSequence, onClick: () -> Unit): Button {
        val b = Button(activity)
        b.setText(label)
        b.setOnClickListener { onClick() }
        root.addView(b)
        return b
    }

    fun input(hint: CharSequence, value: String = ""): EditText {
        val e = EditText(activity)
        e.setHint(hint)
        e.setText(value)
        e.setSingleLine(true)
        root.addView(e)
        return e
    }

    private companion object {
        /** Dark red (0xFFB71C1C), readable on the light theme. */
        const val WARNING_COLOR: Int = 0xFFB71C1C.toInt()
    }
}

/** "Báo cáo 156" or "Báo cáo 5656", after the user's choice of hotline. */
fun Context.reportLabel(): String =
    getString(R.string.action_report, CanhGiacApp.of(this).settings().reportTarget.shortNumber())

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
