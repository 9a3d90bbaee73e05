package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Test
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.SMS_BODY_EXTRA
import vn.canhgiac.app.logic.buildSmsDraft
import vn.canhgiac.app.logic.shortNumber
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.ReportTarget

class ReportSmsTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun scamReportGoesTo156WithLD() {
        val d = buildSmsDraft(f.guard, "+84912345678", ReportKind.SCAM_CALL, AppSettings(), "mạo danh công an")
        assertEquals("smsto:156", d.uri)
        assertEquals("LD 0912345678 mạo danh công an", d.body)
        assertEquals("sms_body", SMS_BODY_EXTRA)
    }

    @Test
    fun nuisanceReportUsesVAndTheChosenTarget() {
        val s = AppSettings(reportTarget = ReportTarget.HOTLINE5656)
        val d = buildSmsDraft(f.guard, "0900000001", ReportKind.NUISANCE_CALL, s)
        assertEquals("smsto:5656", d.uri)
        assertEquals("V 0900000001", d.body.trim())
    }

    @Test
    fun foldingDiacriticsIsPassedToTheCore() {
        val d = buildSmsDraft(f.guard, "0912345678", ReportKind.SCAM_CALL, AppSettings(foldDiacritics = true), "mạo danh công an")
        assertEquals("LD 0912345678 mao danh cong an", d.body)
    }

    @Test
    fun aBuiltReportIsKeptInTheOutbox() {
        buildSmsDraft(f.guard, "0912345678", ReportKind.SCAM_CALL, AppSettings())
        assertEquals(listOf("0912345678"), f.guard.reports(10u).map { it.number })
    }

    @Test
    fun theButtonNamesTheChosenHotline() {
        assertEquals("156", ReportTarget.HOTLINE156.shortNumber())
        assertEquals("5656", ReportTarget.HOTLINE5656.shortNumber())
        for (t in ReportTarget.entries) {
            val d = buildSmsDraft(f.guard, "0912345678", ReportKind.SCAM_CALL, AppSettings(reportTarget = t))
            assertEquals("smsto:" + t.shortNumber(), d.uri)
        }
    }
}
