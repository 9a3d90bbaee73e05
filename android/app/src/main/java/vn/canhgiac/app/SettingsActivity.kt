package vn.canhgiac.app

import android.os.Bundle
import android.widget.Toast
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.applyFeed
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.shortNumber
import vn.canhgiac.core.Action
import vn.canhgiac.core.ReportTarget

/** What happens at each level, where reports go, the feed, the language. Each tap saves. */
class SettingsActivity : CoreActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        render()
    }

    private fun render() {
        val app = CanhGiacApp.of(this)
        val s = app.settings()
        val ui = Column(this)
        ui.heading(getString(R.string.settings_title))
        ui.text(getString(R.string.settings_actions))
        for (level in SETTABLE_LEVELS) {
            val current = s.actionFor(level)
            ui.button("${levelLabel(level)}: ${actionLabel(current)}") {
                save(s.withAction(level, current.next(Action.values())))
            }
        }
        val target = s.reportTarget.shortNumber()
        ui.button(getString(R.string.report_target, target)) { save(s.copy(reportTarget = s.reportTarget.next(ReportTarget.values()))) }
        ui.button(getString(if (s.foldDiacritics) R.string.fold_on else R.string.fold_off)) { save(s.copy(foldDiacritics = !s.foldDiacritics)) }
        val langLabel = when (s.language) {
            LangChoice.SYSTEM -> R.string.lang_system
            LangChoice.VI -> R.string.lang_vi
            LangChoice.EN -> R.string.lang_en
        }
        ui.button(getString(R.string.language, getString(langLabel))) { save(s.copy(language = s.language.next(LangChoice.values()))) }
        ui.button(getString(if (s.syncUnmeteredOnly) R.string.sync_unmetered else R.string.sync_any)) {
            save(s.copy(syncUnmeteredOnly = !s.syncUnmeteredOnly))
        }

        ui.heading(getString(R.string.feed_heading))
        ui.text(getString(R.string.no_publisher))
        val url = ui.input(getString(R.string.feed_url_hint), s.feedUrl)
        val key = ui.input(getString(R.string.feed_key_hint), s.feedKey)
        ui.button(getString(R.string.feed_save)) {
            saveFeed(s.copy(feedUrl = url.getText().toString().trim(), feedKey = key.getText().toString().trim()))
        }
        ui.show()
    }

    /** Saves, off the main thread, then shows the settings as saved. */
    private fun save(s: AppSettings) {
        val app = CanhGiacApp.of(this)
        io({
            app.saveSettings(s)
            SyncJob.configure(this)
        }) { r ->
            if (r.isFailure) Toast.makeText(this, getString(R.string.settings_failed), Toast.LENGTH_LONG).show()
            render()
        }
    }

    /**
     * The core checks the feed's address and keys first; they are saved only when it accepts
     * them. Otherwise its reason is shown and what was typed stays on screen to be corrected.
     */
    private fun saveFeed(s: AppSettings) {
        val app = CanhGiacApp.of(this)
        io({ applyFeed(app.guard, s) }) { r ->
            r.onSuccess { save(s) }.onFailure { e ->
                Toast.makeText(this, getString(R.string.feed_refused, coreMessage(e)), Toast.LENGTH_LONG).show()
            }
        }
    }
}
