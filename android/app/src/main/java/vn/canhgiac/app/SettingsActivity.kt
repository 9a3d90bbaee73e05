package vn.canhgiac.app

import android.content.Intent
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.FeedChange
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.actionFor
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.feedFields
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.saveFeed
import vn.canhgiac.app.logic.shortNumber
import vn.canhgiac.app.logic.withAction
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.Level
import vn.canhgiac.core.Policy

/**
 * What happens at each level, where reports go, the feed, the language, and the way to the
 * backup screen. Each tap saves: the actions and the feed to the core, which keeps them; the
 * app's own choices to its settings file.
 */
class SettingsActivity : CoreActivity() {
    private class Shown(val settings: AppSettings, val policy: Policy, val feed: FeedStatus?)

    /** Reads the settings file and the core off the main thread, then shows them. */
    override fun refresh() {
        io({ Shown(app.settings(), app.guard.policy(), runCatching { app.guard.feedStatus() }.getOrNull()) }) { r ->
            r.onSuccess { render(it) }.onFailure { toast(getString(R.string.settings_failed)) }
        }
    }

    private fun render(shown: Shown) = show(R.string.settings_title) {
        val s = shown.settings
        text(getString(R.string.settings_actions))
        for (level in SETTABLE_LEVELS) {
            val current = shown.policy.actionFor(level)
            button("${label(level)}: ${label(current)}") { setAction(level) }
        }
        button(getString(R.string.report_target, s.reportTarget.shortNumber())) { save(s.copy(reportTarget = s.reportTarget.next())) }
        button(getString(if (s.foldDiacritics) R.string.fold_on else R.string.fold_off)) { save(s.copy(foldDiacritics = !s.foldDiacritics)) }
        button(getString(R.string.language, label(s.language))) { save(s.copy(language = s.language.next())) }
        button(getString(if (s.syncUnmeteredOnly) R.string.sync_unmetered else R.string.sync_any)) {
            save(s.copy(syncUnmeteredOnly = !s.syncUnmeteredOnly))
        }

        heading(getString(R.string.feed_heading))
        text(getString(R.string.no_publisher))
        val (shownUrl, shownKeys) = shown.feed?.let { feedFields(it) } ?: ("" to "")
        val url = input(getString(R.string.feed_url_hint), shownUrl)
        val key = input(getString(R.string.feed_key_hint), shownKeys)
        primary(getString(R.string.feed_save)) { submitFeed(url.getText().toString(), key.getText().toString()) }

        heading(getString(R.string.backup_title))
        button(getString(R.string.open_backup)) { startActivity(Intent(this@SettingsActivity, BackupActivity::class.java)) }
    }

    /** The next action at [level], in the core's policy as it is now. */
    private fun setAction(level: Level) = change({
        val policy = app.guard.policy()
        app.guard.setPolicy(policy.withAction(level, policy.actionFor(level).next()))
    }) { getString(R.string.settings_failed) }

    /** The app's own choices, to its settings file; the sync job follows the network choice. */
    private fun save(s: AppSettings) = change({
        app.saveSettings(s)
        SyncJob.configure(this)
    }) { getString(R.string.settings_failed) }

    /**
     * The core checks the feed's address (https only) and keys, and keeps them only when it
     * accepts them. Otherwise its reason is shown and what was typed stays on screen to be
     * corrected. An emptied address forgets the feed (the core's clearFeed); the daily job
     * follows either way.
     */
    private fun submitFeed(url: String, keys: String) {
        io({ saveFeed(app.guard, url, keys) }) { r ->
            r.onSuccess { saved ->
                if (saved == FeedChange.CLEARED) toast(getString(R.string.feed_cleared))
                change({ SyncJob.configure(this) }) { getString(R.string.settings_failed) }
            }.onFailure { e -> toast(getString(R.string.feed_refused, coreMessage(e))) }
        }
    }
}
