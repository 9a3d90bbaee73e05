package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.FollowLink
import vn.canhgiac.core.FollowLinkException
import vn.canhgiac.core.keyFingerprint
import vn.canhgiac.core.parseFollowLink

/** Why a follow link is refused, for the words the screen puts before the core's own reason. */
enum class LinkProblem { NOT_HTTPS, NEWER_APP, MALFORMED }

/** What the follow screen offers for a `canhgiac://follow?…` link. */
sealed interface FollowOffer {
    /** A list not followed yet: shown with its keys' fingerprints, followed only once the person confirms. */
    data class New(val link: FollowLink, val fingerprints: List<String>) : FollowOffer

    /** The link's name or address is followed already: said so, and nothing replaces its keys. */
    data class Followed(val link: FollowLink, val feed: FeedStatus) : FollowOffer

    /** The link is refused: its [problem] and the core's [reason]. */
    data class Refused(val problem: LinkProblem, val reason: String) : FollowOffer
}

/**
 * Reads the link the app was opened with (the whole text: the core reads and bounds it, so the
 * app never decides what a link means) and says what to offer. Never follows anything.
 */
fun followOffer(guard: CallGuard, text: String?): FollowOffer {
    val link = try {
        parseFollowLink(text.orEmpty())
    } catch (e: FollowLinkException) {
        return FollowOffer.Refused(problemOf(e), coreMessage(e))
    }
    guard.followedAs(link)?.let { return FollowOffer.Followed(link, it) }
    return FollowOffer.New(link, link.keys.map { keyFingerprint(it) })
}

private fun problemOf(e: FollowLinkException): LinkProblem = when (e) {
    is FollowLinkException.NotHttps -> LinkProblem.NOT_HTTPS
    is FollowLinkException.UnknownVersion -> LinkProblem.NEWER_APP
    else -> LinkProblem.MALFORMED
}
