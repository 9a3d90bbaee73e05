package vn.canhgiac.app.logic

import vn.canhgiac.core.CanhGiacException

/** Why the core refused, in its own words (without the bindings' "reason=" wrapper). */
fun coreMessage(e: Throwable): String = when (e) {
    is CanhGiacException.InvalidInput -> e.reason
    is CanhGiacException.InvalidNumber -> e.reason
    is CanhGiacException.Feed -> e.reason
    is CanhGiacException.Network -> e.reason
    is CanhGiacException.Storage -> e.reason
    is CanhGiacException.Internal -> e.reason
    else -> e.message ?: e.toString()
}

/** The core's reason when [e] is the core's refusal; null for anything else (a file that could not be read). */
fun coreReasonOrNull(e: Throwable): String? = if (e is CanhGiacException) coreMessage(e) else null

/**
 * A failure as one log line that cannot carry a phone number: the core's own words, which
 * never hold a number or other personal data, and for anything else only the exception's
 * class (its message might quote what the user typed or who called).
 */
fun logText(e: Throwable): String =
    if (e is CanhGiacException) "${e.javaClass.simpleName}: ${coreMessage(e)}" else e.javaClass.name
