package vn.canhgiac.app.logic

import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.Verification

/**
 * Android's integer constants, copied here so this file needs no android.* import.
 * Values from the platform API (TelecomManager.PRESENTATION_*, API 23;
 * Connection.VERIFICATION_STATUS_*, API 30; Call.Details.DIRECTION_*, API 29).
 */
object Telecom {
    const val PRESENTATION_ALLOWED = 1
    const val PRESENTATION_RESTRICTED = 2
    const val PRESENTATION_UNKNOWN = 3
    const val PRESENTATION_PAYPHONE = 4
    const val PRESENTATION_UNAVAILABLE = 5

    const val VERIFICATION_STATUS_NOT_VERIFIED = 0
    const val VERIFICATION_STATUS_PASSED = 1
    const val VERIFICATION_STATUS_FAILED = 2

    const val DIRECTION_UNKNOWN = -1
    const val DIRECTION_INCOMING = 0
    const val DIRECTION_OUTGOING = 1
}

/** What the core is asked about one call. */
data class ScreeningInput(val number: String?, val facts: CallFacts)

/** Outgoing calls are the user's own: they are let through and never screened or recorded. */
fun shouldScreen(direction: Int): Boolean = direction != Telecom.DIRECTION_OUTGOING

/** STIR/SHAKEN status; null on Android 10, where the platform does not give one. */
fun verificationOf(status: Int?): Verification = when (status) {
    Telecom.VERIFICATION_STATUS_PASSED -> Verification.PASSED
    Telecom.VERIFICATION_STATUS_FAILED -> Verification.FAILED
    else -> Verification.NOT_VERIFIED
}

/**
 * Builds the core's input from Call.Details' parts: the handle's scheme and
 * scheme-specific part, getHandlePresentation(), and, on API 30+,
 * getCallerNumberVerificationStatus().
 */
fun screeningInput(scheme: String?, schemeSpecificPart: String?, presentation: Int, verificationStatus: Int?): ScreeningInput {
    val raw = if (scheme == null || scheme.equals("tel", ignoreCase = true)) schemeSpecificPart?.trim() else null
    val number = raw?.takeIf { it.isNotEmpty() }
    val withheld = when (presentation) {
        Telecom.PRESENTATION_RESTRICTED, Telecom.PRESENTATION_UNKNOWN, Telecom.PRESENTATION_UNAVAILABLE -> true
        else -> false
    }
    val hidden = withheld || number == null
    return ScreeningInput(
        number = if (hidden) null else number,
        facts = CallFacts(
            // Android binds a CallScreeningService only for numbers that are not in the
            // user's contacts, so every call seen here is from a non-contact. The app never
            // reads the contacts itself.
            inContacts = false,
            verification = verificationOf(verificationStatus),
            hidden = hidden,
        ),
    )
}
