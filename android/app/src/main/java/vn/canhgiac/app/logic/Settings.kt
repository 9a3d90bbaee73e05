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

/** Everything the settings screen edits, stored as plain strings. */
data class AppSettings(
    val protectionOn: Boolean = true,
    val unknown: Action = Action.ALLOW,
    val suspicious: Action = Action.WARN,
    val nuisance: Action = Action.WARN,
    val scam: Action = Action.WARN,
    val blocked: Action = Action.BLOCK,
    val reportTarget: ReportTarget = ReportTarget.HOTLINE156,
    val foldDiacritics: Boolean = false,
    val feedUrl: String = "",
    val feedKey: String = "",
    val language: LangChoice = LangChoice.SYSTEM,
    val syncUnmeteredOnly: Boolean = true,
) {
    fun actionFor(level: Level): Action = when (level) {
        Level.SAFE -> Action.ALLOW
        Level.UNKNOWN -> unknown
        Level.SUSPICIOUS -> suspicious
        Level.NUISANCE -> nuisance
        Level.SCAM -> scam
        Level.BLOCKED -> blocked
    }

    fun withAction(level: Level, action: Action): AppSettings = when (level) {
        Level.SAFE -> this
        Level.UNKNOWN -> copy(unknown = action)
        Level.SUSPICIOUS -> copy(suspicious = action)
        Level.NUISANCE -> copy(nuisance = action)
        Level.SCAM -> copy(scam = action)
        Level.BLOCKED -> copy(blocked = action)
    }

    /** The core's policy with these actions; the wangiri list stays the core's. */
    fun toPolicy(base: Policy): Policy = base.copy(
        unknown = unknown,
        suspicious = suspicious,
        nuisance = nuisance,
        scam = scam,
        blocked = blocked,
    )

    fun toMap(): Map<String, String> = mapOf(
        K_ON to protectionOn.toString(),
        K_UNKNOWN to unknown.name,
        K_SUSPICIOUS to suspicious.name,
        K_NUISANCE to nuisance.name,
        K_SCAM to scam.name,
        K_BLOCKED to blocked.name,
        K_TARGET to reportTarget.name,
        K_FOLD to foldDiacritics.toString(),
        K_FEED_URL to feedUrl,
        K_FEED_KEY to feedKey,
        K_LANG to language.name,
        K_UNMETERED to syncUnmeteredOnly.toString(),
    )

    companion object {
        const val K_ON = "protection_on"
        const val K_UNKNOWN = "action_unknown"
        const val K_SUSPICIOUS = "action_suspicious"
        const val K_NUISANCE = "action_nuisance"
        const val K_SCAM = "action_scam"
        const val K_BLOCKED = "action_blocked"
        const val K_TARGET = "report_target"
        const val K_FOLD = "fold_diacritics"
        const val K_FEED_URL = "feed_url"
        const val K_FEED_KEY = "feed_key"
        const val K_LANG = "language"
        const val K_UNMETERED = "sync_unmetered_only"

        /** Reads stored strings; a missing or unreadable value falls back to its default. */
        fun fromMap(map: Map<String, String?>): AppSettings {
            val d = AppSettings()
            return AppSettings(
                protectionOn = map[K_ON]?.toBooleanStrictOrNull() ?: d.protectionOn,
                unknown = enumOr(map[K_UNKNOWN], d.unknown),
                suspicious = enumOr(map[K_SUSPICIOUS], d.suspicious),
                nuisance = enumOr(map[K_NUISANCE], d.nuisance),
                scam = enumOr(map[K_SCAM], d.scam),
                blocked = enumOr(map[K_BLOCKED], d.blocked),
                reportTarget = enumOr(map[K_TARGET], d.reportTarget),
                foldDiacritics = map[K_FOLD]?.toBooleanStrictOrNull() ?: d.foldDiacritics,
                feedUrl = map[K_FEED_URL]?.trim() ?: d.feedUrl,
                feedKey = map[K_FEED_KEY]?.trim() ?: d.feedKey,
                language = enumOr(map[K_LANG], d.language),
                syncUnmeteredOnly = map[K_UNMETERED]?.toBooleanStrictOrNull() ?: d.syncUnmeteredOnly,
            )
        }

        /** The settings a policy stands for (the rest at their defaults). */
        fun fromPolicy(policy: Policy, rest: AppSettings = AppSettings()): AppSettings = rest.copy(
            unknown = policy.unknown,
            suspicious = policy.suspicious,
            nuisance = policy.nuisance,
            scam = policy.scam,
            blocked = policy.blocked,
        )

        private inline fun <reified E : Enum<E>> enumOr(raw: String?, default: E): E =
            enumEntries<E>().firstOrNull { it.name == raw } ?: default
    }
}

/** The next choice when the user taps a setting that cycles through its values. */
inline fun <reified E : Enum<E>> E.next(): E = enumEntries<E>().let { it[(ordinal + 1) % it.size] }

fun AppSettings.uiLang(systemLanguage: String): UiLang = when (language) {
    LangChoice.VI -> UiLang.VI
    LangChoice.EN -> UiLang.EN
    LangChoice.SYSTEM -> if (systemLanguage.lowercase().startsWith("vi")) UiLang.VI else UiLang.EN
}
