package vn.canhgiac.app.logic

import vn.canhgiac.core.Action

/** The CallScreeningService.CallResponse flags for one call. */
data class ResponseFlags(
    val disallowCall: Boolean = false,
    val rejectCall: Boolean = false,
    val silenceCall: Boolean = false,
    val skipCallLog: Boolean = false,
    val skipNotification: Boolean = false,
)

/** Let the call ring as usual: the answer whenever anything fails or is late. */
val ALLOW_FLAGS = ResponseFlags()

fun responseFor(action: Action): ResponseFlags = when (action) {
    // warn rings too; the warning is a notification, not a response flag.
    Action.ALLOW, Action.WARN -> ALLOW_FLAGS
    // silenceCall is only honoured when the call is not disallowed.
    Action.SILENCE -> ResponseFlags(silenceCall = true)
    // Rejected and kept in the call log, so a blocked call can still be seen there;
    // the platform's missed-call notification is skipped.
    Action.BLOCK -> ResponseFlags(disallowCall = true, rejectCall = true, skipNotification = true)
}
