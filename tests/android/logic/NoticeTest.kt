package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.NoticeAction
import vn.canhgiac.app.logic.NoticeKind
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.defaultReportContent
import vn.canhgiac.app.logic.noticeFor
import vn.canhgiac.app.logic.noticeId
import vn.canhgiac.app.logic.reportKindFor
import vn.canhgiac.app.logic.withAction
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.Verification

class NoticeTest {
    private val f = Fixture()
    private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

    @After
    fun cleanUp() = f.close()

    @Test
    fun reportedScamRingsWithAWarningThatSaysWhyInVietnamese() {
        val v = f.guard.screen("+84 912 345 678", ringing)
        val n = noticeFor(v, UiLang.VI)!!
        assertEquals(NoticeKind.WARNING, n.kind)
        assertEquals(v.title.vi, n.title)
        assertEquals("0912345678", n.number)
        assertEquals(
            "Đã bị phản ánh lừa đảo 37 lần, gần nhất 2 ngày trước: mạo danh công an",
            n.summary,
        )
        assertTrue(n.details.startsWith(n.summary))
        assertTrue(n.details.endsWith(n.advice!!))
        assertTrue(n.advice!!.startsWith("Công an"))
        assertEquals(listOf(NoticeAction.REPORT, NoticeAction.CALL, NoticeAction.TRUST), n.actions)
        assertEquals(ReportKind.SCAM_CALL, n.reportKind)
        assertEquals("+84912345678", n.actionNumber)
    }

    @Test
    fun englishPicksTheEnglishSentences() {
        val v = f.guard.screen("0912345678", ringing)
        val n = noticeFor(v, UiLang.EN)!!
        assertEquals(v.title.en, n.title)
        assertEquals(v.reasons.first().text.en, n.summary)
    }

    @Test
    fun nuisanceIsReportedWithV() {
        val v = f.guard.screen("0900000001", ringing)
        assertEquals(ReportKind.NUISANCE_CALL, reportKindFor(v))
        assertEquals(ReportKind.NUISANCE_CALL, noticeFor(v, UiLang.VI)!!.reportKind)
        assertEquals("quảng cáo bất động sản", defaultReportContent(v))
    }

    @Test
    fun unknownCallerGetsAQuietReportPrompt() {
        val v = f.guard.screen("0987654321", ringing)
        assertEquals(Action.ALLOW, v.action)
        val n = noticeFor(v, UiLang.VI)!!
        assertEquals(NoticeKind.REPORT_PROMPT, n.kind)
        assertEquals(ReportKind.SCAM_CALL, n.reportKind)
        assertEquals("", defaultReportContent(v))
    }

    @Test
    fun silencedCallGetsAPromptAndBlockedCallGetsNothing() {
        f.guard.setPolicy(f.guard.policy().withAction(Level.SCAM, Action.SILENCE))
        assertEquals(NoticeKind.REPORT_PROMPT, noticeFor(f.guard.screen("0912345678", ringing), UiLang.VI)!!.kind)
        f.guard.block("0900000099")
        assertNull(noticeFor(f.guard.screen("0900000099", ringing), UiLang.VI))
    }

    @Test
    fun safeCallsShowNothing() {
        f.guard.allow("0900000050")
        assertNull(noticeFor(f.guard.screen("0900000050", ringing), UiLang.VI))
        assertNull(noticeFor(f.guard.screen("113", ringing), UiLang.VI))
    }

    @Test
    fun hiddenCallerIsNeverPromptedAndHasNoButtons() {
        val v = f.guard.screen(null, ringing.copy(hidden = true))
        val n = noticeFor(v, UiLang.VI)
        if (v.action == Action.WARN) {
            assertNotNull(n)
            assertEquals(emptyList<NoticeAction>(), n!!.actions)
        } else {
            assertNull(n)
        }
    }

    @Test
    fun noticeIdIsStablePerNumber() {
        assertEquals(noticeId("+84912345678"), noticeId("+84912345678"))
        assertTrue(noticeId(null) >= 0)
    }
}
