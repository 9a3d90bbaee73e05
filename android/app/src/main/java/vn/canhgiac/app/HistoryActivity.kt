package vn.canhgiac.app

import android.app.Activity
import android.os.Bundle
import vn.canhgiac.app.logic.defaultReportContent
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.reportKindFor
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.Level
import vn.canhgiac.core.Verification

/** Screened calls, newest first, each with its verdict, what was done, and a report button. */
class HistoryActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val ui = Column(this)
        val app = CanhGiacApp.of(this)
        ui.heading(getString(R.string.history_title))
        val rows = runCatching { app.guard.history(200u) }.getOrDefault(emptyList())
        if (rows.isEmpty()) ui.text(getString(R.string.history_empty))
        for (row in rows) {
            val who = row.number ?: getString(R.string.hidden_number)
            ui.text("${formatSyncedAt(row.at)} · $who\n${levelLabel(row.level)} · ${actionLabel(row.action)}")
            val number = row.e164 ?: row.number
            if (number != null && row.level != Level.SAFE) {
                ui.button(reportLabel()) {
                    // Screen again (read-only) for the list's label and category.
                    val v = runCatching { app.guard.screen(number, CallFacts(verification = Verification.NOT_VERIFIED)) }.getOrNull()
                    val kind = v?.let { reportKindFor(it) } ?: vn.canhgiac.core.ReportKind.SCAM_CALL
                    ReportActivity.openSms(this, number, kind, v?.let { defaultReportContent(it) }.orEmpty())
                }
            }
        }
        if (rows.isNotEmpty()) {
            ui.button(getString(R.string.history_clear)) {
                runCatching { app.guard.clearHistory() }
                recreate()
            }
        }
        ui.show()
    }
}
