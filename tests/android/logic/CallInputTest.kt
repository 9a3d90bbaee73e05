package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.ALLOW_FLAGS
import vn.canhgiac.app.logic.ResponseFlags
import vn.canhgiac.app.logic.Telecom
import vn.canhgiac.app.logic.responseFor
import vn.canhgiac.app.logic.screeningInput
import vn.canhgiac.app.logic.shouldScreen
import vn.canhgiac.core.Action
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReasonCode
import vn.canhgiac.core.Verification

class CallInputTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun allowedPresentationPassesTheNumberAndNeverClaimsAContact() {
        val i = screeningInput("tel", "+84912345678", Telecom.PRESENTATION_ALLOWED, null)
        assertEquals("+84912345678", i.number)
        assertFalse(i.facts.hidden)
        assertFalse(i.facts.inContacts)
        assertEquals(Verification.NOT_VERIFIED, i.facts.verification)
    }

    @Test
    fun withheldPresentationsAreHidden() {
        for (p in listOf(Telecom.PRESENTATION_RESTRICTED, Telecom.PRESENTATION_UNKNOWN, Telecom.PRESENTATION_UNAVAILABLE)) {
            val i = screeningInput("tel", "0912345678", p, null)
            assertNull(i.number)
            assertTrue(i.facts.hidden)
        }
        val empty = screeningInput(null, null, Telecom.PRESENTATION_ALLOWED, null)
        assertTrue(empty.facts.hidden)
        val payphone = screeningInput("tel", "0243999000", Telecom.PRESENTATION_PAYPHONE, null)
        assertEquals("0243999000", payphone.number)
    }

    @Test
    fun verificationStatusMapsToTheCoresEnum() {
        fun v(s: Int?) = screeningInput("tel", "0912345678", Telecom.PRESENTATION_ALLOWED, s).facts.verification
        assertEquals(Verification.PASSED, v(Telecom.VERIFICATION_STATUS_PASSED))
        assertEquals(Verification.FAILED, v(Telecom.VERIFICATION_STATUS_FAILED))
        assertEquals(Verification.NOT_VERIFIED, v(Telecom.VERIFICATION_STATUS_NOT_VERIFIED))
        assertEquals(Verification.NOT_VERIFIED, v(null))
        assertEquals(Verification.NOT_VERIFIED, v(42))
    }

    @Test
    fun failedVerificationReachesTheCore() {
        val i = screeningInput("tel", "0987654321", Telecom.PRESENTATION_ALLOWED, Telecom.VERIFICATION_STATUS_FAILED)
        val v = f.guard.screen(i.number, i.facts)
        assertEquals(Level.SUSPICIOUS, v.level)
        assertTrue(v.reasons.any { it.code == ReasonCode.VERIFICATION_FAILED })
    }

    @Test
    fun hiddenCallerReachesTheCoreAsHidden() {
        val i = screeningInput("tel", "", Telecom.PRESENTATION_RESTRICTED, null)
        val v = f.guard.screen(i.number, i.facts)
        assertTrue(v.reasons.any { it.code == ReasonCode.HIDDEN })
    }

    @Test
    fun sipHandlesAreNotTakenForPhoneNumbers() {
        assertNull(screeningInput("sip", "alice@example.org", Telecom.PRESENTATION_ALLOWED, null).number)
    }

    @Test
    fun outgoingCallsAreNotScreened() {
        assertFalse(shouldScreen(Telecom.DIRECTION_OUTGOING))
        assertTrue(shouldScreen(Telecom.DIRECTION_INCOMING))
        assertTrue(shouldScreen(Telecom.DIRECTION_UNKNOWN))
    }

    @Test
    fun responseFlagsPerAction() {
        assertEquals(ALLOW_FLAGS, responseFor(Action.ALLOW))
        assertEquals(ALLOW_FLAGS, responseFor(Action.WARN))
        assertEquals(ResponseFlags(silenceCall = true), responseFor(Action.SILENCE))
        val block = responseFor(Action.BLOCK)
        assertTrue(block.disallowCall && block.rejectCall && block.skipNotification)
        assertFalse(block.silenceCall)
        assertFalse(block.skipCallLog)
    }
}
