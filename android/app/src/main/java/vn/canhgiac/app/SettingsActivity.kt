package vn.canhgiac.app

import android.app.AlertDialog
import android.content.Intent
import android.graphics.Typeface
import android.os.Bundle
import android.text.Editable
import android.text.TextWatcher
import android.widget.EditText
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.SyncInterval
import vn.canhgiac.app.logic.Threshold
import vn.canhgiac.app.logic.actionFor
import vn.canhgiac.app.logic.addFeed
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.listState
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.nextThreshold
import vn.canhgiac.app.logic.shortNumber
import vn.canhgiac.app.logic.valueOf
import vn.canhgiac.app.logic.withAction
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.Level
import vn.canhgiac.core.Policy
import vn.canhgiac.core.humanBytes

/**
 * What happens at each level, how much evidence a reported number needs, where reports go, the
 * lists followed, the language, and the way to the backup screen. Each tap saves: the actions,
 * the thresholds and the feeds to the core, which keeps them; the app's own choices to its
 * settings file.
 */
class SettingsActivity : CoreActivity() {
    private class Shown(val settings: AppSettings, val policy: Policy, val feeds: List<FeedStatus>)

    /**
     * What is typed into the add form, and its verify switch: the screen is drawn again after
     * every change (and the activity made again when the phone turns), and none of that may
     * lose it. Emptied once the list is added.
     */
    private data class Draft(val name: String = "", val url: String = "", val keys: String = "", val verify: Boolean = false)

    private var draft = Draft()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        savedInstanceState?.let {
            draft = Draft(it.getString(DRAFT_NAME, ""), it.getString(DRAFT_URL, ""), it.getString(DRAFT_KEYS, ""), it.getBoolean(DRAFT_VERIFY))
        }
    }

    override fun onSaveInstanceState(outState: Bundle) {
        super.onSaveInstanceState(outState)
        outState.putString(DRAFT_NAME, draft.name)
        outState.putString(DRAFT_URL, draft.url)
        outState.putString(DRAFT_KEYS, draft.keys)
        outState.putBoolean(DRAFT_VERIFY, draft.verify)
    }

    /** Reads the settings file and the core off the main thread, then shows them. */
    override fun refresh() {
        io({ Shown(app.settings(), app.guard.policy(), runCatching { app.guard.feeds() }.getOrDefault(emptyList())) }) { r ->
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

        heading(getString(R.string.sync_heading))
        text(getString(R.string.sync_why))
        button(getString(R.string.sync_interval, getString(intervalLabel(s.syncInterval)))) { save(s.copy(syncInterval = s.syncInterval.next())) }
        button(getString(if (s.syncUnmeteredOnly) R.string.sync_unmetered else R.string.sync_any)) {
            save(s.copy(syncUnmeteredOnly = !s.syncUnmeteredOnly))
        }
        // Only worth offering while mobile data is allowed at all.
        if (!s.syncUnmeteredOnly) {
            button(getString(R.string.sync_allowance, humanBytes(s.meteredAllowance.toULong()))) { save(s.copy(meteredAllowance = s.nextAllowance())) }
        }

        heading(getString(R.string.evidence_heading))
        text(getString(R.string.evidence_why))
        for (t in Threshold.entries) {
            button(getString(thresholdLabel(t), shown.policy.valueOf(t).toString())) { setThreshold(t) }
        }

        feeds(this, shown.feeds)

        heading(getString(R.string.backup_title))
        button(getString(R.string.open_backup)) { startActivity(Intent(this@SettingsActivity, BackupActivity::class.java)) }
    }

    /** Each list followed (name, address, age, size, out of date), a way to stop following it, and a way to add one. */
    private fun feeds(ui: Column, feeds: List<FeedStatus>) = with(ui) {
        heading(getString(R.string.feed_heading))
        if (feeds.isEmpty()) {
            text(getString(R.string.feeds_none))
            text(getString(R.string.no_publisher))
        }
        val now = System.currentTimeMillis() / 1000
        for (feed in feeds) {
            text("${feed.name}\n${feed.url.orEmpty()}").setTypeface(Typeface.DEFAULT_BOLD)
            val state = listState(feed, now)
            text(state.age?.let { label(it) } ?: getString(R.string.feed_never_synced))
            text(getString(R.string.feed_entries, feed.entries.toString()))
            if (state.expired) warning(getString(R.string.list_expired))
            if (feed.verifyOrgs) text(getString(R.string.feed_verifies))
            if (feed.ignoredVerified > 0uL) text(getString(R.string.feed_ignored_verified, feed.ignoredVerified.toString()))
            button(getString(R.string.feed_remove)) { confirmRemove(feed.name) }
                .setContentDescription(getString(R.string.feed_remove_named, feed.name))
        }

        heading(getString(R.string.feed_add_heading))
        input(getString(R.string.feed_name_hint), draft.name).onEdit { draft = draft.copy(name = it) }
        input(getString(R.string.feed_url_hint), draft.url).onEdit { draft = draft.copy(url = it) }
        input(getString(R.string.feed_key_hint), draft.keys).onEdit { draft = draft.copy(keys = it) }
        // Off unless the user turns it on; turned on, adding asks once what it means.
        fun verifyLabel() = getString(if (draft.verify) R.string.feed_verify_on else R.string.feed_verify_off)
        val toggle = button(verifyLabel()) {}
        toggle.setOnClickListener {
            draft = draft.copy(verify = !draft.verify)
            toggle.setText(verifyLabel())
        }
        primary(getString(R.string.feed_add)) {
            val typed = draft
            if (typed.verify) askToVerify(typed) else add(typed, verifyOrgs = false)
        }
    }

    /** Keeps [draft] up to date as the person types. */
    private fun EditText.onEdit(keep: (String) -> Unit) = addTextChangedListener(object : TextWatcher {
        override fun beforeTextChanged(s: CharSequence, start: Int, count: Int, after: Int) {}
        override fun onTextChanged(s: CharSequence, start: Int, before: Int, count: Int) {}
        override fun afterTextChanged(s: Editable) = keep(s.toString())
    })

    /**
     * The one question before a list may verify organisation numbers, saying what it means; its
     * answer is what the core is told. Closing the dialog adds nothing.
     */
    private fun askToVerify(typed: Draft) {
        AlertDialog.Builder(this)
            .setTitle(R.string.verify_title)
            .setMessage(getString(R.string.verify_body, typed.name.trim()))
            .setPositiveButton(R.string.verify_yes) { _, _ -> add(typed, verifyOrgs = true) }
            .setNegativeButton(R.string.verify_no) { _, _ -> add(typed, verifyOrgs = false) }
            .show()
    }

    /**
     * The core checks the name, the address (https only) and the keys, and keeps the feed only
     * when it accepts them. Otherwise its reason is shown and what was typed stays on screen to
     * be corrected. The daily job follows.
     */
    private fun add(typed: Draft, verifyOrgs: Boolean) {
        io({ addFeed(app.guard, typed.name, typed.url, typed.keys, verifyOrgs) }) { r ->
            r.onSuccess { feed ->
                draft = Draft()
                toast(getString(R.string.feed_added, feed.name))
                change({ SyncJob.configure(this) }) { getString(R.string.settings_failed) }
            }.onFailure { e -> toast(getString(R.string.feed_refused, coreMessage(e))) }
        }
    }

    /** Stopping a feed deletes its numbers from the phone: asked first. */
    private fun confirmRemove(name: String) {
        AlertDialog.Builder(this)
            .setMessage(getString(R.string.feed_remove_confirm, name))
            .setPositiveButton(R.string.feed_remove) { _, _ ->
                io({
                    app.guard.removeFeed(name)
                    SyncJob.configure(this)
                }) { r ->
                    toast(if (r.isSuccess) getString(R.string.feed_removed, name) else getString(R.string.settings_failed))
                    refresh()
                }
            }
            .setNegativeButton(R.string.cancel, null)
            .show()
    }

    /** The next action at [level], in the core's policy as it is now. */
    private fun setAction(level: Level) = change({
        val policy = app.guard.policy()
        app.guard.setPolicy(policy.withAction(level, policy.actionFor(level).next()))
    }) { getString(R.string.settings_failed) }

    /** The next value of an evidence threshold, in the core's policy as it is now. */
    private fun setThreshold(t: Threshold) = change({
        app.guard.setPolicy(app.guard.policy().nextThreshold(t))
    }) { getString(R.string.settings_failed) }

    private fun intervalLabel(i: SyncInterval): Int = when (i) {
        SyncInterval.MIN_15 -> R.string.sync_every_15_min
        SyncInterval.HOUR_1 -> R.string.sync_every_hour
        SyncInterval.HOURS_6 -> R.string.sync_every_6_hours
        SyncInterval.DAILY -> R.string.sync_daily
    }

    private fun thresholdLabel(t: Threshold): Int = when (t) {
        Threshold.MIN_REPORTERS -> R.string.min_reporters
        Threshold.FRESH_DAYS -> R.string.fresh_days
        Threshold.EXPIRE_DAYS -> R.string.expire_days
    }

    /** The app's own choices, to its settings file; the sync job follows the period and network chosen. */
    private fun save(s: AppSettings) = change({
        app.saveSettings(s)
        SyncJob.configure(this)
    }) { getString(R.string.settings_failed) }
}

private const val DRAFT_NAME = "feed_draft_name"
private const val DRAFT_URL = "feed_draft_url"
private const val DRAFT_KEYS = "feed_draft_keys"
private const val DRAFT_VERIFY = "feed_draft_verify"
