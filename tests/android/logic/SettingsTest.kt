package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.LangChoice
import vn.canhgiac.app.logic.LegacySettings
import vn.canhgiac.app.logic.SETTABLE_LEVELS
import vn.canhgiac.app.logic.SyncInterval
import vn.canhgiac.app.logic.Threshold
import vn.canhgiac.app.logic.nextThreshold
import vn.canhgiac.app.logic.valueOf
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.actionFor
import vn.canhgiac.app.logic.next
import vn.canhgiac.app.logic.uiLang
import vn.canhgiac.app.logic.withAction
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReportTarget
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig

class SettingsTest {
    private val f = Fixture()
    private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

    @After
    fun cleanUp() = f.close()

    /** A fresh install shows the core's defaults: the app has no actions of its own. */
    @Test
    fun defaultsMatchTheCoresDefaultPolicy() {
        val core = defaultConfig().policy
        assertEquals(core, f.guard.policy())
        assertEquals(
            listOf(Action.ALLOW, Action.WARN, Action.WARN, Action.WARN, Action.BLOCK),
            SETTABLE_LEVELS.map { f.guard.policy().actionFor(it) },
        )
    }

    /** What the settings screen saves is what the core keeps, also for the next process. */
    @Test
    fun policyRoundTripsAndKeepsTheWangiriList() {
        val base = f.guard.policy()
        val p = base.withAction(Level.UNKNOWN, Action.SILENCE).withAction(Level.SCAM, Action.BLOCK)
            .withAction(Level.NUISANCE, Action.SILENCE)
        f.guard.setPolicy(p)
        val back = f.guard.policy()
        assertEquals(base.wangiriCountryCodes, back.wangiriCountryCodes)
        assertEquals(p, back)
        assertEquals(Action.BLOCK, f.guard.screen("0912345678", ringing).action)
        f.reopen()
        assertEquals(p, f.guard.policy())
        assertEquals(Action.BLOCK, f.guard.screen("0912345678", ringing).action)
    }

    /** The evidence thresholds: the core's defaults are among the choices, a tap moves to the next, the core keeps it. */
    @Test
    fun evidenceThresholdsCycleAndTheCoreActsOnThem() {
        val base = f.guard.policy()
        for (t in Threshold.entries) assertTrue(t.name, base.valueOf(t) in t.choices)
        assertEquals(listOf(3u, 90u, 365u), Threshold.entries.map { base.valueOf(it) })
        assertEquals(5u, base.nextThreshold(Threshold.MIN_REPORTERS).minReporters)
        assertEquals(180u, base.nextThreshold(Threshold.FRESH_DAYS).freshDays)
        assertEquals(730u, base.nextThreshold(Threshold.EXPIRE_DAYS).expireDays)
        // After the last choice, the first; a value no choice names moves to the next one above it.
        assertEquals(1u, base.copy(minReporters = 10u).nextThreshold(Threshold.MIN_REPORTERS).minReporters)
        assertEquals(10u, base.copy(minReporters = 7u).nextThreshold(Threshold.MIN_REPORTERS).minReporters)
        // The core keeps it, also for the next process; the rest of the policy stays. (Its
        // effect on a feed's entry is tests/kotlin's SyncTest; the user's own imports are the
        // user's word and are not weighed.)
        val p = base.nextThreshold(Threshold.MIN_REPORTERS).nextThreshold(Threshold.EXPIRE_DAYS)
        f.guard.setPolicy(p)
        f.reopen()
        assertEquals(p, f.guard.policy())
        assertEquals(listOf(5u, 90u, 730u), Threshold.entries.map { f.guard.policy().valueOf(it) })
        assertEquals(base.wangiriCountryCodes, f.guard.policy().wangiriCountryCodes)
    }

    /** Reports never stay fresh longer than they count: a tap passes over such a choice, and the core refuses one. */
    @Test
    fun freshDaysNeverPassExpireDays() {
        val short = f.guard.policy().copy(freshDays = 90u, expireDays = 180u)
        // 90 -> 180 (= expire) -> 30: 365 is passed over.
        val fresh = generateSequence(short) { it.nextThreshold(Threshold.FRESH_DAYS) }.take(4).map { it.freshDays }.toList()
        assertEquals(listOf(90u, 180u, 30u, 60u), fresh)
        // Expire cycles from 1095 to the first choice not below freshDays (365, not 180).
        assertEquals(365u, short.copy(freshDays = 365u, expireDays = 1095u).nextThreshold(Threshold.EXPIRE_DAYS).expireDays)
        for (p in generateSequence(short) { it.nextThreshold(Threshold.FRESH_DAYS).nextThreshold(Threshold.EXPIRE_DAYS) }.take(12)) {
            assertTrue("$p", p.freshDays <= p.expireDays)
            f.guard.setPolicy(p)
        }
        val e = assertThrows(CanhGiacException.InvalidInput::class.java) { f.guard.setPolicy(short.copy(freshDays = 365u)) }
        assertTrue(e.message, e.message!!.contains("fresh_days"))
    }

    @Test
    fun storedStringsRoundTrip() {
        val s = AppSettings(
            protectionOn = false, reportTarget = ReportTarget.HOTLINE5656, foldDiacritics = true,
            language = LangChoice.EN, syncUnmeteredOnly = true, syncInterval = SyncInterval.MIN_15,
            meteredAllowance = 1L shl 20,
        )
        assertEquals(s, AppSettings.fromMap(s.toMap()))
    }

    /**
     * Hourly on any network with a 256 KB allowance for a new user; a phone whose settings file
     * holds "Wi-Fi only" (the old default, written with any other setting) keeps it.
     */
    @Test
    fun updatesAreHourlyOnAnyNetworkUnlessWifiOnlyWasStored() {
        val fresh = AppSettings.fromMap(emptyMap())
        assertEquals(SyncInterval.HOUR_1, fresh.syncInterval)
        assertEquals(false, fresh.syncUnmeteredOnly)
        assertEquals(256L * 1024, fresh.meteredAllowance)
        val old = mapOf(AppSettings.K_ON to "true", AppSettings.K_LANG to "VI", AppSettings.K_UNMETERED to "true")
        assertEquals(true, AppSettings.fromMap(old).syncUnmeteredOnly)
        assertEquals(SyncInterval.HOUR_1, AppSettings.fromMap(old).syncInterval)
    }

    /** JobScheduler's window: a quarter of the period, never under its 5-minute minimum flex. */
    @Test
    fun eachIntervalHasAFlexWindowJobSchedulerAccepts() {
        val minute = 60_000L
        assertEquals(
            listOf(15 * minute to 5 * minute, 60 * minute to 15 * minute, 360 * minute to 90 * minute, 1440 * minute to 360 * minute),
            SyncInterval.entries.map { it.millis to it.flexMillis },
        )
        assertEquals(SyncInterval.MIN_15, SyncInterval.DAILY.next())
    }

    /** The allowance cycles through its choices; only a metered network gets one. */
    @Test
    fun theAllowanceIsPassedOnlyOnAMeteredNetwork() {
        val s = AppSettings()
        assertEquals(262_144uL, s.allowanceOn(metered = true))
        assertNull(s.allowanceOn(metered = false))
        assertEquals(1L shl 20, s.nextAllowance())
        assertEquals(64L shl 10, s.copy(meteredAllowance = 4L shl 20).nextAllowance())
        // A value no choice names (an edited file) goes to the next one above it.
        assertEquals(256L shl 10, s.copy(meteredAllowance = 100_000).nextAllowance())
        for (bad in listOf("-5", "999999999999", "lots")) {
            assertEquals(bad, s.meteredAllowance, AppSettings.fromMap(mapOf(AppSettings.K_ALLOWANCE to bad)).meteredAllowance)
        }
    }

    /** The settings file holds the app's own choices only: nothing the core acts on. */
    @Test
    fun theSettingsFileKeepsOnlyTheAppsOwnChoices() {
        assertEquals(
            setOf(
                AppSettings.K_ON, AppSettings.K_TARGET, AppSettings.K_FOLD, AppSettings.K_LANG, AppSettings.K_UNMETERED,
                AppSettings.K_INTERVAL, AppSettings.K_ALLOWANCE,
            ),
            AppSettings().toMap().keys,
        )
        assertTrue(AppSettings().toMap().keys.none { it in LegacySettings.KEYS })
    }

    @Test
    fun unreadableStoredValuesFallBackToDefaults() {
        val s = AppSettings.fromMap(mapOf(AppSettings.K_LANG to "EXPLODE", AppSettings.K_ON to "maybe", AppSettings.K_TARGET to null))
        assertEquals(AppSettings(), s)
    }

    /** An earlier version's actions go to the core once; an unreadable one leaves the core's. */
    @Test
    fun anEarlierVersionsStoredActionsMoveToTheCore() {
        val base = f.guard.policy()
        val stored = mapOf("action_scam" to "BLOCK", "action_unknown" to "EXPLODE", "feed_url" to "https://feed.example")
        val moved = LegacySettings.policy(stored, base)!!
        assertEquals(base.withAction(Level.SCAM, Action.BLOCK), moved)
        f.guard.setPolicy(moved)
        assertEquals(Action.BLOCK, f.guard.screen("0912345678", ringing).action)
        assertNull(LegacySettings.policy(mapOf("feed_url" to "https://feed.example", "feed_key" to "k"), base))
        assertTrue(stored.keys.all { it in LegacySettings.KEYS })
    }

    @Test
    fun safeCannotBeChangedAndOtherLevelsCan() {
        val base = defaultConfig().policy
        assertEquals(base, base.withAction(Level.SAFE, Action.BLOCK))
        val p = base.withAction(Level.SAFE, Action.BLOCK).withAction(Level.UNKNOWN, Action.WARN)
        assertEquals(Action.ALLOW, p.actionFor(Level.SAFE))
        assertEquals(Action.WARN, p.actionFor(Level.UNKNOWN))
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
