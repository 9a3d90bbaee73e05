package vn.canhgiac.app

import android.os.Bundle
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
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = CanhGiacApp.of(this)
        io({ app.guard.history(200u) }) { r -> render(r.getOrDefault(emptyList())) }
    }

    private fun render(rows: List<HistoryEntry>) {
        val app = CanhGiacApp.of(this)
        val ui = Column(this)
        ui.heading(getString(R.string.history_title))
        if (rows.isEmpty()) ui.text(getString(R.string.history_empty))
        for (row in rows) {
            val who = row.number ?: getString(R.string.hidden_number)
            ui.text("${formatSyncedAt(row.at)} · $who\n${levelLabel(row.level)} · ${actionLabel(row.action)}")
            val number = row.e164 ?: row.number
            if (number != null && row.level != Level.SAFE) {
                ui.button(reportLabel()) {
                    // Screen again (read-only) for the list's label and category.
                    io({ app.guard.screen(number, CallFacts(verification = Verification.NOT_VERIFIED)) }) { r ->
                        val v = r.getOrNull()
                        val kind = v?.let { reportKindFor(it) } ?: ReportKind.SCAM_CALL
                        ReportActivity.openSms(this, number, kind, v?.let { defaultReportContent(it) }.orEmpty())
                    }
                }
            }
        }
        if (rows.isNotEmpty()) {
            ui.button(getString(R.string.history_clear)) {
                io({ app.guard.clearHistory() }) { recreate() }
            }
        }
        ui.show()
    }
}
