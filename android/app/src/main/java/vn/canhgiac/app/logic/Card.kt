package vn.canhgiac.app.logic

import vn.canhgiac.core.Action
import vn.canhgiac.core.Level
import vn.canhgiac.core.Verdict

/** What the card over the incoming-call screen shows: the level (as a badge), why, what to do, who. */
data class Card(
    val level: Level,
    /** "CẢNH BÁO LỪA ĐẢO": the verdict's title, in capitals so it reads as an alarm. */
    val title: String,
    /** The top reason ("Đã bị phản ánh lừa đảo 37 lần, gần nhất 3 ngày trước"). */
    val reason: String?,
    val advice: String?,
    /** The number as a person reads it; null for a hidden caller. */
    val number: String?,
)

/**
 * How long a card may stay up: about the longest a call rings before the network gives up
 * (Vietnamese networks ring for 30 to 60 s). The app cannot see the call end without
 * READ_PHONE_STATE, which it does not ask for, so the card bounds its own life; it is also
 * dismissed with a tap.
 */
const val CARD_RING_WINDOW_MS = 60_000L

/**
 * A card only for a call that gets a warning while it rings (the policy's `warn`, whatever
 * the level: a scam, a nuisance, a suspicious caller, or a number the user blocked but chose
 * to be warned about). Safe and unknown calls, and calls silenced or blocked, show nothing.
 */
fun cardFor(verdict: Verdict, lang: UiLang): Card? {
    if (verdict.action != Action.WARN) return null
    if (verdict.level == Level.SAFE || verdict.level == Level.UNKNOWN) return null
    return Card(
        level = verdict.level,
        title = verdict.title.pick(lang).uppercase(if (lang == UiLang.VI) java.util.Locale.forLanguageTag("vi") else java.util.Locale.ENGLISH),
        reason = verdict.reasons.firstOrNull()?.text?.pick(lang),
        advice = verdict.advice?.pick(lang),
        number = verdict.number?.display,
    )
}
