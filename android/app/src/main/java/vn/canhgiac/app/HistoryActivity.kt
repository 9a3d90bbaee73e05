package vn.canhgiac.app

import vn.canhgiac.app.logic.defaultReportContent
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.reportKindFor
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.HistoryEntry
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.Verification

/** Screened calls, newest first, each with its verdict, what was done, and a report button. */
class HistoryActivity : CoreActivity() {
    override fun refresh() {
        io({ app.guard.history(200u) }) { r -> render(r.getOrDefault(emptyList())) }
    }

    private fun render(rows: List<HistoryEntry>) = show(R.string.history_title) {
        if (rows.isEmpty()) text(getString(R.string.history_empty))
        for (row in rows) {
            val who = row.number ?: getString(R.string.hidden_number)
            heading(who)
            text(formatSyncedAt(row.at).orEmpty())
            badge(row.level, label(row.action))
            val number = row.e164 ?: row.number
            if (number != null && row.level != Level.SAFE) {
                button(reportLabel()) { report(number) }.setContentDescription(getString(R.string.report_number, reportLabel(), who))
            }
        }
        if (rows.isNotEmpty()) {
            button(getString(R.string.history_clear)) { io({ app.guard.clearHistory() }) { refresh() } }
        }
    }

    /** Screens the number again (read-only) for the list's label and category, then opens the report. */
    private fun report(number: String) {
        io({ app.guard.screen(number, CallFacts(verification = Verification.NOT_VERIFIED)) }) { r ->
            val v = r.getOrNull()
            val kind = v?.let { reportKindFor(it) } ?: ReportKind.SCAM_CALL
            ReportActivity.openSms(this, number, kind, v?.let { defaultReportContent(it) }.orEmpty())
        }
    }
}
