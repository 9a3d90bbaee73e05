package vn.canhgiac.app

import android.Manifest
import android.app.role.RoleManager
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.net.Uri
import android.os.Bundle
import android.provider.Settings
import android.widget.TextView
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.canhgiac.app.logic.defaultReportContent
import vn.canhgiac.app.logic.anyFeedReady
import vn.canhgiac.app.logic.lastSynced
import vn.canhgiac.app.logic.Recovery
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.listState
import vn.canhgiac.app.logic.pick
import vn.canhgiac.app.logic.progressText
import vn.canhgiac.app.logic.recoveryNotes
import vn.canhgiac.app.logic.reportKindFor
import vn.canhgiac.app.logic.syncSummary
import vn.canhgiac.app.logic.waitingBytes
import vn.canhgiac.core.*

/**
 * Protection on/off with the screening role, the list's state (size, age, out of date, what
 * was repaired), sync, and a manual check.
 */
class MainActivity : CoreActivity() {
    /** What the core said about the list and its files. */
    private class Loaded(val stats: Stats, val feeds: List<FeedStatus>, val notes: List<Recovery>, val waiting: ULong?)

    private var checked: String = ""
    /** The core's last answer; null until it has answered. */
    private var loaded: Loaded? = null
    /** The last sync's progress or outcome, kept across redraws. */
    private var syncMessage: String = ""
    private var checkResult: Verdict? = null
    private var checkFailed = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        if (Build.VERSION.SDK_INT >= 33 &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), REQ_NOTIFICATIONS)
        }
    }

    private fun roleHeld(): Boolean =
        getSystemService(RoleManager::class.java)?.isRoleHeld(RoleManager.ROLE_CALL_SCREENING) == true

    /** Shows the screen at once, then again once the core has said how the list is. */
    override fun refresh() {
        render()
        io({ Loaded(app.guard.stats(), app.guard.feeds(), recoveryNotes(app.guard), app.waitingForWifi()) }) { r ->
            loaded = r.getOrNull()
            render()
        }
    }

    /**
     * One main action, the first thing the person should do: let the app screen calls while it
     * may not; turn protection on while it is off; otherwise check a number.
     */
    private fun render() = show(R.string.app_name) {
        val settings = app.settings()
        val held = roleHeld()
        if (held && settings.protectionOn) good(getString(R.string.protection_on)) else warning(getString(R.string.protection_off))
        if (!held) {
            primary(getString(R.string.ask_role)) {
                val rm = getSystemService(RoleManager::class.java)
                if (rm != null && rm.isRoleAvailable(RoleManager.ROLE_CALL_SCREENING)) {
                    startActivityForResult(rm.createRequestRoleIntent(RoleManager.ROLE_CALL_SCREENING), REQ_ROLE)
                }
            }
        }
        // Without the role nothing is screened, whatever the switch says: only the role's button then.
        if (held) {
            val toggle = { change({ app.saveSettings(settings.copy(protectionOn = !settings.protectionOn)) }) { getString(R.string.settings_failed) } }
            if (settings.protectionOn) button(getString(R.string.turn_off), toggle) else primary(getString(R.string.turn_on), toggle)
        }

        // The card over the incoming-call screen is optional; asked for only once the app
        // screens calls, with the one sentence that says why.
        if (held && settings.protectionOn && !CallCard.permitted(this@MainActivity)) {
            text(getString(R.string.card_why))
            button(getString(R.string.card_allow)) {
                startActivity(Intent(Settings.ACTION_MANAGE_OVERLAY_PERMISSION, Uri.parse("package:" + getPackageName())))
            }
        }

        heading(getString(R.string.check_heading))
        val input = input(getString(R.string.check_hint), checked)
        val check = { check(input.getText().toString()) }
        if (held && settings.protectionOn) primary(getString(R.string.check_button), check) else button(getString(R.string.check_button), check)
        showCheck(this)

        heading(getString(R.string.list_heading))
        loaded?.let { shown ->
            val stats = shown.stats
            val feeds = shown.feeds
            for (note in shown.notes) {
                if (note == Recovery.USER_DATA_LOST) warning(label(note)) else text(label(note))
            }
            text(getString(R.string.list_size, (stats.reportedNumbers + stats.reportedPrefixes).toString()))
            // Several lists: the oldest one's age, and a warning if any is out of date (each
            // list's own state is in Settings).
            val state = listState(feeds, System.currentTimeMillis() / 1000)
            state.age?.let { text(label(it)) }
            if (state.expired) warning(getString(R.string.list_expired))
            text(getString(R.string.last_sync, formatSyncedAt(lastSynced(feeds)) ?: getString(R.string.never)))
            // Said as it is: the list held is older than the one published, until Wi-Fi or a tap below.
            shown.waiting?.let { warning(getString(R.string.sync_waiting, humanBytes(it))) }
            if (!anyFeedReady(feeds)) {
                text(getString(R.string.no_publisher))
            } else {
                val progress = text(syncMessage)
                button(getString(R.string.sync_now)) { syncNow(progress) }
            }
        }

        heading(getString(R.string.more_heading))
        button(getString(R.string.open_history)) { open(HistoryActivity::class.java) }
        button(getString(R.string.open_lists)) { open(ListsActivity::class.java) }
        button(getString(R.string.open_settings)) { open(SettingsActivity::class.java) }
        button(getString(R.string.open_about)) { open(AboutActivity::class.java) }
    }

    private fun open(screen: Class<*>) = startActivity(Intent(this, screen))

    private fun syncNow(progress: TextView) {
        val lang = app.lang()
        val listener = object : SyncProgress {
            override fun onProgress(feed: String, stage: SyncStage, done: ULong, total: ULong) {
                runOnUiThread { say(progress, progressText(feed, stage, done, total, lang)) }
            }
        }
        scope.launch {
            // Asked for by the person: no allowance, whatever the network.
            val outcome = withContext(Dispatchers.IO) {
                runCatching { app.guard.sync(listener).also { app.setWaitingForWifi(waitingBytes(it)) } }
            }
            outcome.onSuccess { results ->
                // Each list syncs on its own: those that failed are named, their lists unchanged.
                val sum = syncSummary(results)
                val lines = listOfNotNull(
                    sum.updated.takeIf { it.isNotEmpty() }?.let { getString(R.string.sync_done, it.joinToString(", "), sum.entries.toString()) },
                    sum.failed.takeIf { it.isNotEmpty() }?.let { getString(R.string.sync_partly, it.joinToString(", ")) },
                )
                say(progress, lines.joinToString("\n"))
                refresh()
            }.onFailure {
                logFailure("sync", it)
                say(progress, getString(R.string.sync_failed))
            }
        }
    }

    private fun say(progress: TextView, text: String) {
        syncMessage = text
        progress.setText(text)
    }

    private fun check(raw: String) {
        checked = raw
        io({ app.guard.screen(raw, CallFacts(verification = Verification.NOT_VERIFIED)) }) { r ->
            checkResult = r.getOrNull()
            checkFailed = checkResult == null
            render()
        }
    }

    /** The manual check's verdict, right under its button: its level as a badge, then why, then a report button when it is not safe. */
    private fun showCheck(ui: Column) {
        if (checkFailed) ui.warning(getString(R.string.invalid_number))
        val v = checkResult ?: return
        val lang = app.lang()
        ui.badge(v.level, v.number?.display)
        val lines = listOf(v.title.pick(lang)) + v.reasons.map { "• " + it.text.pick(lang) } + listOfNotNull(v.advice?.pick(lang))
        ui.text(lines.joinToString("\n"))
        val number = v.number
        if (number != null && v.level != Level.SAFE) {
            ui.button(reportLabel()) {
                ReportActivity.openSms(this, number.e164 ?: number.national, reportKindFor(v), defaultReportContent(v))
            }
            ui.button(callLabel()) { ReportActivity.openDialer(this) }
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode == REQ_ROLE) refresh()
    }

    companion object {
        private const val REQ_ROLE = 1
        private const val REQ_NOTIFICATIONS = 2
    }
}
