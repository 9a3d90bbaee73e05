package vn.canhgiac.app.logic

import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.FollowLinkException

/** Why the core refused, in its own words (without the bindings' "reason=" wrapper). */
fun coreMessage(e: Throwable): String = when (e) {
    is CanhGiacException.InvalidInput -> e.reason
    is CanhGiacException.InvalidNumber -> e.reason
    is CanhGiacException.Feed -> e.reason
    is CanhGiacException.Network -> e.reason
    is CanhGiacException.Storage -> e.reason
    is CanhGiacException.Internal -> e.reason
    is FollowLinkException -> followReason(e)
    else -> e.message ?: e.toString()
}

private fun followReason(e: FollowLinkException): String = when (e) {
    is FollowLinkException.NotAFollowLink -> e.reason
    is FollowLinkException.TooLong -> e.reason
    is FollowLinkException.UnknownVersion -> e.reason
    is FollowLinkException.Malformed -> e.reason
    is FollowLinkException.BadName -> e.reason
    is FollowLinkException.NotHttps -> e.reason
    is FollowLinkException.BadAddress -> e.reason
    is FollowLinkException.BadKey -> e.reason
    is FollowLinkException.KeyCount -> e.reason
    is FollowLinkException.Internal -> e.reason
}

/** The core's reason when [e] is the core's refusal; null for anything else (a file that could not be read). */
fun coreReasonOrNull(e: Throwable): String? = if (isCore(e)) coreMessage(e) else null

private fun isCore(e: Throwable) = e is CanhGiacException || e is FollowLinkException

/**
 * A failure as one log line that cannot carry a phone number: the core's own words, which
 * never hold a number or other personal data, and for anything else only the exception's
 * class (its message might quote what the user typed or who called).
 */
fun logText(e: Throwable): String =
    if (isCore(e)) "${e.javaClass.simpleName}: ${coreMessage(e)}" else e.javaClass.name
