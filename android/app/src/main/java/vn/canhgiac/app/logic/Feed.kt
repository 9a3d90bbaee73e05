package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.SyncStage
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * The feed settings that ship with the app. No publisher signs a public list yet,
 * so no address and no key ship, and no list of numbers ships either: the app says
 * so on its main screen. When a publisher exists, its address and ed25519 public
 * key go here.
 */
object FeedConfig {
    const val DEFAULT_URL: String = ""
    val PINNED_PUBLIC_KEYS: List<String> = emptyList()

    /** Once a day; JobScheduler may shift it within its flex window. */
    const val SYNC_PERIOD_MS: Long = 24L * 60 * 60 * 1000
}

/** The keys the feed's signature may be checked with: the pinned ones plus those the user typed. */
fun feedKeys(typed: String): List<String> =
    (FeedConfig.PINNED_PUBLIC_KEYS + typed.split(',', ' ', '\n').map { it.trim() })
        .filter { it.isNotEmpty() }
        .distinct()

/** The feed the core keeps, as the settings screen shows it: the address, and the user's keys as typed. */
fun feedFields(status: FeedStatus): Pair<String, String> =
    status.url.orEmpty() to (status.publicKeys - FeedConfig.PINNED_PUBLIC_KEYS.toSet()).joinToString(", ")

/** The core syncs a feed it accepted and keeps: an address and at least one key. */
fun feedReady(status: FeedStatus): Boolean = status.url != null && status.publicKeys.isNotEmpty()

/** What saving the feed fields did. */
enum class FeedChange { SAVED, CLEARED }

/**
 * Hands the feed the user typed to the core, which checks the address (https only) and the keys
 * and keeps them; throws the core's [vn.canhgiac.core.CanhGiacException] when it refuses them.
 * An emptied address stops following the feed: the core forgets its address and keys
 * (clearFeed) and the daily job is cancelled; the list held stays in use, and the main screen
 * says so once it is past its expiry.
 */
fun saveFeed(guard: CallGuard, typedUrl: String, typedKeys: String): FeedChange {
    val url = typedUrl.trim()
    if (url.isEmpty()) {
        guard.clearFeed()
        return FeedChange.CLEARED
    }
    guard.setFeed(url, feedKeys(typedKeys))
    return FeedChange.SAVED
}

/**
 * A core that has no feed yet gets the shipped one, when one ships. None ships today; once one
 * does, a feed the user cleared comes back at the next start unless that choice is remembered.
 */
fun seedShippedFeed(guard: CallGuard) {
    if (FeedConfig.DEFAULT_URL.isNotEmpty() && guard.feedStatus().url == null) {
        guard.setFeed(FeedConfig.DEFAULT_URL, FeedConfig.PINNED_PUBLIC_KEYS)
    }
}

/** Percent done, or null while the total is unknown. */
fun progressPercent(done: ULong, total: ULong): Int? =
    if (total == 0uL) null else ((done.coerceAtMost(total) * 100uL) / total).toInt()

fun stageText(stage: SyncStage, lang: UiLang): String = when (stage) {
    SyncStage.MANIFEST -> if (lang == UiLang.VI) "Đang kiểm tra phiên bản" else "Checking the version"
    SyncStage.DOWNLOAD -> if (lang == UiLang.VI) "Đang tải danh sách" else "Downloading the list"
    SyncStage.APPLY -> if (lang == UiLang.VI) "Đang cập nhật" else "Updating"
}

fun progressText(stage: SyncStage, done: ULong, total: ULong, lang: UiLang): String {
    val pct = progressPercent(done, total)
    return if (pct == null) stageText(stage, lang) else "${stageText(stage, lang)} $pct%"
}

/** "27/11/2026 08:30", in the phone's zone; null when never synced. */
fun formatSyncedAt(epochSeconds: Long?, zone: ZoneId = ZoneId.systemDefault()): String? =
    epochSeconds?.let {
        DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(zone).format(Instant.ofEpochSecond(it))
    }
