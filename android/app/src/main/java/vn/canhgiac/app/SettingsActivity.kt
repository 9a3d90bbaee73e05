package vn.canhgiac.app

import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.applyFeed
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.shortNumber

/** What happens at each level, where reports go, the feed, the language. Each tap saves. */
class SettingsActivity : CoreActivity() {
    override fun refresh() = show(R.string.settings_title) {
        val s = app.settings()
        text(getString(R.string.settings_actions))
        for (level in SETTABLE_LEVELS) {
            val current = s.actionFor(level)
            button("${label(level)}: ${label(current)}") { save(s.withAction(level, current.next())) }
        }
        button(getString(R.string.report_target, s.reportTarget.shortNumber())) { save(s.copy(reportTarget = s.reportTarget.next())) }
        button(getString(if (s.foldDiacritics) R.string.fold_on else R.string.fold_off)) { save(s.copy(foldDiacritics = !s.foldDiacritics)) }
        button(getString(R.string.language, label(s.language))) { save(s.copy(language = s.language.next())) }
        button(getString(if (s.syncUnmeteredOnly) R.string.sync_unmetered else R.string.sync_any)) {
            save(s.copy(syncUnmeteredOnly = !s.syncUnmeteredOnly))
        }

        heading(getString(R.string.feed_heading))
        text(getString(R.string.no_publisher))
        val url = input(getString(R.string.feed_url_hint), s.feedUrl)
        val key = input(getString(R.string.feed_key_hint), s.feedKey)
        button(getString(R.string.feed_save)) {
            saveFeed(s.copy(feedUrl = url.getText().toString().trim(), feedKey = key.getText().toString().trim()))
        }
    }

    /** Saves, off the main thread, then shows the settings as saved. */
    private fun save(s: AppSettings) = change({
        app.saveSettings(s)
        SyncJob.configure(this)
    }) { getString(R.string.settings_failed) }

    /**
     * The core checks the feed's address and keys first; they are saved only when it accepts
     * them. Otherwise its reason is shown and what was typed stays on screen to be corrected.
     */
    private fun saveFeed(s: AppSettings) {
        io({ applyFeed(app.guard, s) }) { r ->
            r.onSuccess { save(s) }.onFailure { e -> toast(getString(R.string.feed_refused, coreMessage(e))) }
        }
    }
}
