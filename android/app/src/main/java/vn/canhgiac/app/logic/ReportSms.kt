package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.Report
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.ReportRequest
import vn.canhgiac.core.ReportTarget

/** The extra the SMS apps read the text from (common-intents guide; not an Intent constant). */
const val SMS_BODY_EXTRA = "sms_body"

/** What the app hands to the user's SMS app: `smsto:156` and the body. Nothing is sent by us. */
data class SmsDraft(val uri: String, val body: String)

/** The hotline's short number, as the user reads it on a button ("Nhắn tin 156"). */
fun ReportTarget.shortNumber(): String = when (this) {
    ReportTarget.HOTLINE156 -> "156"
    ReportTarget.HOTLINE5656 -> "5656"
}

/**
 * What the dialer opens on: the hotline's number, for the person to press call. Always 156: the
 * seed letter (Ninh Bình, 02/2024) names calling 156 beside the SMS; 5656 is documented for SMS only.
 */
const val HOTLINE_DIAL_URI = "tel:156"

fun smsDraft(report: Report): SmsDraft = SmsDraft("smsto:${report.to}", report.body)

fun reportRequest(number: String, kind: ReportKind, settings: AppSettings, content: String = ""): ReportRequest =
    ReportRequest(
        number = number,
        kind = kind,
        target = settings.reportTarget,
        content = content,
        foldDiacritics = settings.foldDiacritics,
    )

/** Builds the report through the core (which keeps it in the outbox) and the SMS to open. */
fun buildSmsDraft(
    guard: CallGuard,
    number: String,
    kind: ReportKind,
    settings: AppSettings,
    content: String = "",
): SmsDraft = smsDraft(guard.buildReport(reportRequest(number, kind, settings, content)))
