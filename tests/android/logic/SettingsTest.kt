package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Test
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.uiLang
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReportTarget
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig

class SettingsTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun defaultsMatchTheCoresDefaultPolicy() {
        val core = defaultConfig().policy
        assertEquals(core, AppSettings().toPolicy(core))
        assertEquals(AppSettings(), AppSettings.fromPolicy(core))
    }

    @Test
    fun policyRoundTripsAndKeepsTheWangiriList() {
        val base = f.guard.policy()
        val s = AppSettings(unknown = Action.SILENCE, scam = Action.BLOCK, nuisance = Action.SILENCE)
        f.guard.setPolicy(s.toPolicy(base))
        val back = f.guard.policy()
        assertEquals(base.wangiriCountryCodes, back.wangiriCountryCodes)
        assertEquals(s, AppSettings.fromPolicy(back, s))
        assertEquals(Action.BLOCK, f.guard.screen("0912345678", CallFacts(verification = Verification.NOT_VERIFIED)).action)
    }

    @Test
    fun storedStringsRoundTrip() {
        val s = AppSettings(
            protectionOn = false, suspicious = Action.SILENCE, reportTarget = ReportTarget.HOTLINE5656,
            foldDiacritics = true, feedUrl = "https://feed.example/vn", feedKey = "abc", language = LangChoice.EN,
            syncUnmeteredOnly = false,
        )
        assertEquals(s, AppSettings.fromMap(s.toMap()))
    }

    @Test
    fun unreadableStoredValuesFallBackToDefaults() {
        val s = AppSettings.fromMap(mapOf(AppSettings.K_SCAM to "EXPLODE", AppSettings.K_ON to "maybe", AppSettings.K_TARGET to null))
        assertEquals(AppSettings(), s)
    }

    @Test
    fun safeCannotBeChangedAndOtherLevelsCan() {
        val s = AppSettings().withAction(Level.SAFE, Action.BLOCK).withAction(Level.UNKNOWN, Action.WARN)
        assertEquals(Action.ALLOW, s.actionFor(Level.SAFE))
        assertEquals(Action.WARN, s.actionFor(Level.UNKNOWN))
    }

    @Test
    fun cyclingWrapsAround() {
        assertEquals(Action.WARN, Action.ALLOW.next())
        assertEquals(Action.ALLOW, Action.BLOCK.next())
    }

    @Test
    fun languageFollowsTheSystemUnlessChosen() {
        assertEquals(UiLang.VI, AppSettings().uiLang("vi"))
        assertEquals(UiLang.EN, AppSettings().uiLang("fr"))
        assertEquals(UiLang.EN, AppSettings(language = LangChoice.EN).uiLang("vi"))
        assertEquals(UiLang.VI, AppSettings(language = LangChoice.VI).uiLang("en"))
    }
}
