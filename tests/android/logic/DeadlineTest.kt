package vn.canhgiac.tests.android

import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.ALLOW_FLAGS
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.Telecom
import vn.canhgiac.app.logic.map
import vn.canhgiac.app.logic.screeningInput
import vn.canhgiac.app.logic.withAction
import vn.canhgiac.app.logic.AnswerOnce
import vn.canhgiac.app.logic.BudgetResult
import vn.canhgiac.app.logic.RESPONSE_BUDGET_MS
import vn.canhgiac.app.logic.decide
import vn.canhgiac.app.logic.responseFor
import vn.canhgiac.app.logic.withinBudget
import vn.canhgiac.core.Action
import vn.canhgiac.core.Level
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.Verdict
import vn.canhgiac.core.Verification
import java.util.concurrent.CountDownLatch

class DeadlineTest {
    private val f = Fixture()
    private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

    @After
    fun cleanUp() = f.close()

    @Test
    fun budgetIsFarUnderAndroidsFiveSeconds() {
        assertTrue(RESPONSE_BUDGET_MS in 1..1_000)
    }

    @Test
    fun aPromptCoreAnswerIsUsed() = runBlocking {
        val r = withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen("0912345678", ringing) }
        val d = decide(r)
        assertEquals(Action.WARN, d.action)
        assertEquals(responseFor(Action.WARN), d.flags)
        assertEquals("0912345678", d.verdict!!.number!!.national)
    }

    @Test
    fun aLateAnswerLetsTheCallRingWithoutWaitingForIt() = runBlocking {
        val release = CountDownLatch(1)
        val started = System.nanoTime()
        val r = withinBudget<Verdict>(50) {
            release.await()
            f.guard.screen("0912345678", ringing)
        }
        val waitedMs = (System.nanoTime() - started) / 1_000_000
        release.countDown()
        assertSame(BudgetResult.Late, r)
        assertTrue("waited $waitedMs ms", waitedMs < 1_000)
        val d = decide(r)
        assertEquals(Action.ALLOW, d.action)
        assertEquals(ALLOW_FLAGS, d.flags)
        assertNull(d.verdict)
    }

    @Test
    fun aCoreErrorLetsTheCallRing() = runBlocking {
        val r = withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen("not a number at all ☎", ringing) }
        val d = if (r is BudgetResult.Failed) {
            assertTrue(r.error is CanhGiacException)
            decide(r)
        } else {
            // The core may classify junk as an invalid number instead of throwing.
            decide(r)
        }
        assertFalse(d.flags.disallowCall)
        val thrown = withinBudget<Verdict>(RESPONSE_BUDGET_MS) { throw IllegalStateException("boom") }
        assertTrue(thrown is BudgetResult.Failed)
        assertEquals(ALLOW_FLAGS, decide(thrown).flags)
    }

    @Test
    fun protectionOffLetsTheCallRingAndLeavesNoTrace() = runBlocking {
        // A number the user blocked: with protection on it would be blocked, recorded and shown.
        f.guard.block("0900000099")
        val on = decide(withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen("0900000099", ringing) }, protectionOn = true)
        assertEquals(Action.BLOCK, on.verdict!!.action)
        val off = decide(withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen("0900000099", ringing) }, protectionOn = false)
        assertEquals(Action.ALLOW, off.action)
        assertEquals(ALLOW_FLAGS, off.flags)
        // No verdict: ScreeningService records and notifies only from a decision's verdict.
        assertNull(off.verdict)
        // Screening itself is read-only, so the call leaves nothing in history.
        assertTrue(f.guard.history(10u).isEmpty())
    }

    @Test
    fun recordingAfterTheAnswerAddsHistory() = runBlocking {
        val d = decide(withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen("0912345678", ringing) })
        f.guard.record(d.verdict!!)
        assertEquals(listOf("0912345678"), f.guard.history(10u).map { it.number })
    }

    @Test
    fun emergencyNumbersAndHotlinesAlwaysRingWhateverThePolicy() = runBlocking {
        // The user's harshest settings: block every level that can be set.
        val harsh = SETTABLE_LEVELS.fold(f.guard.policy()) { p, level -> p.withAction(level, Action.BLOCK) }
        f.guard.setPolicy(harsh)
        for (n in listOf("111", "112", "113", "114", "115", "156", "5656")) {
            // The path ScreeningService takes: Call.Details parts -> core -> decide, with a failed caller verification.
            val input = screeningInput("tel", n, Telecom.PRESENTATION_ALLOWED, Telecom.VERIFICATION_STATUS_FAILED)
            val d = decide(withinBudget(RESPONSE_BUDGET_MS) { f.guard.screen(input.number, input.facts) }, protectionOn = true)
            assertEquals(n, ALLOW_FLAGS, d.flags)
            assertEquals(n, Action.ALLOW, d.action)
            assertEquals(n, Level.SAFE, d.verdict!!.level)
        }
    }

    @Test
    fun mapKeepsFailureAndLateness() {
        assertEquals(BudgetResult.Done(2), BudgetResult.Done(1).map { it + 1 })
        assertSame(BudgetResult.Late, (BudgetResult.Late as BudgetResult<Int>).map { it + 1 })
        val boom = IllegalStateException("boom")
        assertEquals(BudgetResult.Failed(boom), (BudgetResult.Failed(boom) as BudgetResult<Int>).map { it + 1 })
    }

    @Test
    fun onlyOneAnswerPerCall() {
        val once = AnswerOnce()
        assertTrue(once.claim())
        assertFalse(once.claim())
    }
}
