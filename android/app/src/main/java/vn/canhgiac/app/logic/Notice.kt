package vn.canhgiac.app.logic

import vn.canhgiac.core.Action
import vn.canhgiac.core.Category
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.Text
import vn.canhgiac.core.Verdict

/** The language the core's sentences are shown in. The app's own labels follow Android's resources. */
enum class UiLang { VI, EN }

fun Text.pick(lang: UiLang): String = if (lang == UiLang.VI) vi else en

/** Which notification channel a notice goes to. */
enum class NoticeKind {
    /** High importance, shown while the phone rings. */
    WARNING,

    /** Quiet: after an unknown, silenced or user-allowed risky call, an offer to report it. */
    REPORT_PROMPT,
}

/** Buttons on a notice. The app supplies their labels ("Nhắn tin 156", "Gọi 156", "Tin cậy số này"). */
enum class NoticeAction { REPORT, CALL, TRUST }

/** Everything a notification shows, decided without Android. */
data class Notice(
    val kind: NoticeKind,
    /** The level in words (verdict.title). */
    val title: String,
    /** The number as a person reads it; null for a hidden caller. */
    val number: String?,
    /** One line for the collapsed notification: the first reason, or the number. */
    val summary: String,
    /** Reasons, one per line, then the advice. */
    val details: String,
    val advice: String?,
    val actions: List<NoticeAction>,
    /** The number to report or trust, in a form the core reads back. */
    val actionNumber: String?,
    val reportKind: ReportKind,
)

/** LD (scam) unless the list or the verdict says nuisance, then V. */
fun reportKindFor(verdict: Verdict): ReportKind =
    if (verdict.level == Level.NUISANCE || verdict.report?.category == Category.NUISANCE) {
        ReportKind.NUISANCE_CALL
    } else {
        ReportKind.SCAM_CALL
    }

/** The content written after the number in the report: the list's label when there is one. */
fun defaultReportContent(verdict: Verdict): String = verdict.report?.label?.trim().orEmpty()

/**
 * What to show for a screened call, or null for nothing.
 * - warn: a warning while it rings;
 * - silence, or a risky call the user chose to let ring, or an unknown caller: a quiet report prompt;
 * - block and safe: nothing (the call is in history).
 */
fun noticeFor(verdict: Verdict, lang: UiLang): Notice? {
    if (verdict.level == Level.SAFE) return null
    val kind = when (verdict.action) {
        Action.WARN -> NoticeKind.WARNING
        Action.SILENCE -> NoticeKind.REPORT_PROMPT
        Action.ALLOW -> NoticeKind.REPORT_PROMPT
        Action.BLOCK -> return null
    }
    val shown = verdict.number?.display
    val actionNumber = verdict.number?.let { it.e164 ?: it.national }
    // A hidden caller cannot be reported or trusted: warn if asked to, never prompt.
    if (actionNumber == null && kind == NoticeKind.REPORT_PROMPT) return null
    val reasons = verdict.reasons.map { it.text.pick(lang) }
    val advice = verdict.advice?.pick(lang)
    val details = (reasons + listOfNotNull(advice)).joinToString("\n")
    val actions = if (actionNumber == null) {
        emptyList()
    } else if (verdict.level == Level.BLOCKED) {
        listOf(NoticeAction.REPORT, NoticeAction.CALL)
    } else {
        // The hotline's two channels side by side (the seed letter names both), then trust.
        listOf(NoticeAction.REPORT, NoticeAction.CALL, NoticeAction.TRUST)
    }
    return Notice(
        kind = kind,
        title = verdict.title.pick(lang),
        number = shown,
        summary = reasons.firstOrNull() ?: shown.orEmpty(),
        details = details,
        advice = advice,
        actions = actions,
        actionNumber = actionNumber,
        reportKind = reportKindFor(verdict),
    )
}

/** A stable notification id per number, so a second ring updates the first notice. */
fun noticeId(number: String?): Int = (number ?: "hidden").hashCode() and 0x3fffffff
