package vn.canhgiac.app.logic

import vn.canhgiac.core.Action
import vn.canhgiac.core.Level
import vn.canhgiac.core.Policy
import vn.canhgiac.core.ReportTarget
import kotlin.enums.enumEntries

/** Which language the core's sentences use; SYSTEM follows the phone. */
enum class LangChoice { SYSTEM, VI, EN }

/** The levels whose action the user may change (`safe` always rings). */
val SETTABLE_LEVELS: List<Level> = listOf(Level.UNKNOWN, Level.SUSPICIOUS, Level.NUISANCE, Level.SCAM, Level.BLOCKED)

/** The action the core's policy takes at [level]; `safe` always rings. */
fun Policy.actionFor(level: Level): Action = when (level) {
    Level.SAFE -> Action.ALLOW
    Level.UNKNOWN -> unknown
    Level.SUSPICIOUS -> suspicious
    Level.NUISANCE -> nuisance
    Level.SCAM -> scam
    Level.BLOCKED -> blocked
}

/** The same policy with [action] at [level]; `safe` cannot be changed. The wangiri list stays. */
fun Policy.withAction(level: Level, action: Action): Policy = when (level) {
    Level.SAFE -> this
    Level.UNKNOWN -> copy(unknown = action)
    Level.SUSPICIOUS -> copy(suspicious = action)
    Level.NUISANCE -> copy(nuisance = action)
    Level.SCAM -> copy(scam = action)
    Level.BLOCKED -> copy(blocked = action)
}

/**
 * The evidence thresholds of the core's policy that the settings screen offers, each with the
 * values a tap cycles through (the core's defaults among them: 3 people, 90 days, 365 days).
 * The core keeps the value (setPolicy); the app only offers choices.
 */
enum class Threshold(val choices: List<UInt>) {
    /** People (or reports) needed before a listed number is more than "suspicious". */
    MIN_REPORTERS(listOf(1u, 2u, 3u, 5u, 10u)),

    /** Days a report stays fresh enough to raise the level. */
    FRESH_DAYS(listOf(30u, 60u, 90u, 180u, 365u)),

    /** Days after which a report is only shown: numbers are given up and reassigned. */
    EXPIRE_DAYS(listOf(180u, 365u, 730u, 1095u)),
}

fun Policy.valueOf(t: Threshold): UInt = when (t) {
    Threshold.MIN_REPORTERS -> minReporters
    Threshold.FRESH_DAYS -> freshDays
    Threshold.EXPIRE_DAYS -> expireDays
}

fun Policy.withThreshold(t: Threshold, value: UInt): Policy = when (t) {
    Threshold.MIN_REPORTERS -> copy(minReporters = value)
    Threshold.FRESH_DAYS -> copy(freshDays = value)
    Threshold.EXPIRE_DAYS -> copy(expireDays = value)
}

/**
 * The policy with [t] at its next choice: the first one above the value held (which may be one
 * no choice names, e.g. from a restored backup), after the last the first again. Choices that
 * would make reports fresh for longer than they count at all (freshDays > expireDays, which the
 * core refuses) are passed over; with none left the policy stays as it is.
 */
fun Policy.nextThreshold(t: Threshold): Policy {
    val allowed = t.choices.filter { withThreshold(t, it).let { p -> p.freshDays <= p.expireDays } }
    val next = allowed.firstOrNull { it > valueOf(t) } ?: allowed.firstOrNull() ?: return this
    return withThreshold(t, next)
}

/**
 * How often the list is updated. JobScheduler runs a periodic job at most every 15 minutes
 * (JobInfo.getMinPeriodMillis), anywhere in a window of [flexMillis] at the end of each period;
 * a quarter of the period (at least the platform's 5 minutes) lets the system batch the job
 * with other work, and the list is never older than one period plus the fetch. Hourly by
 * default: a scam campaign burns a number within hours to days, and with a publisher every
 * 15 minutes an hourly phone is warned of 88% of a day-long campaign's calls, against 9%
 * when both run daily (issue 20's model; the README has the table).
 */
enum class SyncInterval(val millis: Long) {
    MIN_15(15 * MINUTE_MS),
    HOUR_1(60 * MINUTE_MS),
    HOURS_6(6 * 60 * MINUTE_MS),
    DAILY(24 * 60 * MINUTE_MS),
    ;

    val flexMillis: Long get() = maxOf(millis / 4, 5 * MINUTE_MS)
}

private const val MINUTE_MS = 60_000L

/**
 * What one update may download on a metered network (mobile data), beyond the list's small
 * manifest: an update that needs more waits for Wi-Fi. The core decides; the app passes it.
 * 256 KB by default: the feed bench's 1,000-entry delta is 3.5 KB, so an allowance of 256 KB
 * takes some 70,000 changed entries, while a snapshot of 1,000,000 numbers (2.33 MB) waits.
 */
val METERED_ALLOWANCES: List<Long> = listOf(64L shl 10, 256L shl 10, 1L shl 20, 4L shl 20)

/**
 * The app's own choices, stored as plain strings in its settings file. Everything the core
 * acts on (the action at each level, the feed's address and keys) is the core's: read with
 * policy() and feedStatus(), saved with setPolicy() and setFeed().
 */
data class AppSettings(
    val protectionOn: Boolean = true,
    val reportTarget: ReportTarget = ReportTarget.HOTLINE156,
    val foldDiacritics: Boolean = false,
    val language: LangChoice = LangChoice.SYSTEM,
    /**
     * Off by default since hourly updates (small deltas, within [meteredAllowance] on mobile
     * data): a phone that had "Wi-Fi only"
     * stored (the old default, written with any other setting) keeps it until the user turns
     * it off.
     */
    val syncUnmeteredOnly: Boolean = false,
    val syncInterval: SyncInterval = SyncInterval.HOUR_1,
    /** Bytes one update may download on a metered network (see [METERED_ALLOWANCES]). */
    val meteredAllowance: Long = 256L shl 10,
) {
    /** The next allowance choice: the first above the one held, after the last the first. */
    fun nextAllowance(): Long = METERED_ALLOWANCES.firstOrNull { it > meteredAllowance } ?: METERED_ALLOWANCES.first()

    /** This sync's allowance: the setting's on a metered network; none (the core's own download limit only) on another. */
    fun allowanceOn(metered: Boolean): ULong? = if (metered) meteredAllowance.coerceAtLeast(0).toULong() else null

    fun toMap(): Map<String, String> = mapOf(
        K_ON to protectionOn.toString(),
        K_TARGET to reportTarget.name,
        K_FOLD to foldDiacritics.toString(),
        K_LANG to language.name,
        K_UNMETERED to syncUnmeteredOnly.toString(),
        K_INTERVAL to syncInterval.name,
        K_ALLOWANCE to meteredAllowance.toString(),
    )

    companion object {
        const val K_ON = "protection_on"
        const val K_TARGET = "report_target"
        const val K_FOLD = "fold_diacritics"
        const val K_LANG = "language"
        const val K_UNMETERED = "sync_unmetered_only"
        const val K_INTERVAL = "sync_interval"
        const val K_ALLOWANCE = "sync_metered_allowance"

        /** More than any choice offers, and far below the core's own download limit. */
        private const val MAX_ALLOWANCE = 64L shl 20

        /** Reads stored strings; a missing or unreadable value falls back to its default. */
        fun fromMap(map: Map<String, String?>): AppSettings {
            val d = AppSettings()
            return AppSettings(
                protectionOn = map[K_ON]?.toBooleanStrictOrNull() ?: d.protectionOn,
                reportTarget = enumOr(map[K_TARGET], d.reportTarget),
                foldDiacritics = map[K_FOLD]?.toBooleanStrictOrNull() ?: d.foldDiacritics,
                language = enumOr(map[K_LANG], d.language),
                syncUnmeteredOnly = map[K_UNMETERED]?.toBooleanStrictOrNull() ?: d.syncUnmeteredOnly,
                syncInterval = enumOr(map[K_INTERVAL], d.syncInterval),
                // A negative or absurd number (an edited file) is the default again.
                meteredAllowance = map[K_ALLOWANCE]?.toLongOrNull()?.takeIf { it in 0..MAX_ALLOWANCE } ?: d.meteredAllowance,
            )
        }
    }
}

/**
 * What earlier versions kept in the settings file for the core: the action at each level
 * (the core now keeps the policy) and the feed's address and key (the core always had them:
 * the app handed them over before saving).
 */
object LegacySettings {
    val ACTION_KEYS: Map<Level, String> = mapOf(
        Level.UNKNOWN to "action_unknown",
        Level.SUSPICIOUS to "action_suspicious",
        Level.NUISANCE to "action_nuisance",
        Level.SCAM to "action_scam",
        Level.BLOCKED to "action_blocked",
    )

    /** Every key to take out of the settings file once its content is with the core. */
    val KEYS: List<String> = ACTION_KEYS.values + listOf("feed_url", "feed_key")

    /** The policy an earlier version's stored actions stand for, over [base]; null when none is stored. */
    fun policy(stored: Map<String, String?>, base: Policy): Policy? {
        val actions = ACTION_KEYS.mapNotNull { (level, key) ->
            enumEntries<Action>().firstOrNull { it.name == stored[key] }?.let { level to it }
        }
        if (actions.isEmpty()) return null
        return actions.fold(base) { p, (level, action) -> p.withAction(level, action) }
    }
}

/** The next choice when the user taps a setting that cycles through its values. */
inline fun <reified E : Enum<E>> E.next(): E = enumEntries<E>().let { it[(ordinal + 1) % it.size] }

private inline fun <reified E : Enum<E>> enumOr(raw: String?, default: E): E =
    enumEntries<E>().firstOrNull { it.name == raw } ?: default

fun AppSettings.uiLang(systemLanguage: String): UiLang = when (language) {
    LangChoice.VI -> UiLang.VI
    LangChoice.EN -> UiLang.EN
    LangChoice.SYSTEM -> if (systemLanguage.lowercase().startsWith("vi")) UiLang.VI else UiLang.EN
}
