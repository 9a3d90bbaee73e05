package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.FeedSync
import vn.canhgiac.core.SyncPath
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
}

/** The keys the feed's signature may be checked with: the pinned ones plus those the user typed. */
fun feedKeys(typed: String): List<String> =
    (FeedConfig.PINNED_PUBLIC_KEYS + typed.split(',', ' ', '\n').map { it.trim() })
        .filter { it.isNotEmpty() }
        .distinct()

/** The core syncs a feed it accepted and keeps: an address and at least one key. */
fun feedReady(status: FeedStatus): Boolean = status.url != null && status.publicKeys.isNotEmpty()

/** The daily job runs while at least one feed is followed. */
fun anyFeedReady(feeds: List<FeedStatus>): Boolean = feeds.any(::feedReady)

/**
 * Follows the feed the user typed on the settings screen: the core checks the name, the
 * address (https only: the app never allows plain http) and the keys, and keeps the feed only
 * when it accepts them; otherwise it throws its [vn.canhgiac.core.CanhGiacException], whose
 * reason the screen shows. [verifyOrgs] is true only once the user said yes to the question
 * that explains it.
 */
fun addFeed(guard: CallGuard, name: String, url: String, typedKeys: String, verifyOrgs: Boolean): FeedStatus =
    guard.addFeed(name.trim(), url.trim(), feedKeys(typedKeys), allowHttp = false, verifyOrgs = verifyOrgs)

/**
 * A core that has no feed yet gets the shipped one, when one ships. None ships today; once one
 * does, a feed the user removed comes back at the next start unless that choice is remembered.
 */
fun seedShippedFeed(guard: CallGuard) {
    if (FeedConfig.DEFAULT_URL.isNotEmpty() && guard.feeds().isEmpty()) {
        guard.setFeed(FeedConfig.DEFAULT_URL, FeedConfig.PINNED_PUBLIC_KEYS)
    }
}

/** How a sync of every feed went, for one line on the main screen. */
data class SyncSummary(val updated: List<String>, val failed: List<String>, val entries: ULong) {
    val allUpdated: Boolean get() = failed.isEmpty()
}

/** Each feed syncs on its own: the ones that failed are named, their lists unchanged. */
fun syncSummary(results: List<FeedSync>): SyncSummary = SyncSummary(
    updated = results.filter { it.error == null }.map { it.feed },
    failed = results.filter { it.error != null }.map { it.feed },
    entries = results.sumOf { it.outcome?.entries ?: 0uL },
)

/**
 * The bytes the updates that wait for Wi-Fi need, all feeds together; null when none waits. The
 * core decided (an update over this sync's allowance is `Deferred`); the app remembers it for
 * the status line and asks JobScheduler for an unmetered network.
 */
fun waitingBytes(results: List<FeedSync>): ULong? =
    results.mapNotNull { r -> r.outcome?.takeIf { it.path == SyncPath.DEFERRED }?.deferredBytes }
        .takeIf { it.isNotEmpty() }
        ?.fold(0uL) { sum, b -> sum + b }

/** Percent done, or null while the total is unknown. */
fun progressPercent(done: ULong, total: ULong): Int? =
    if (total == 0uL) null else ((done.coerceAtMost(total) * 100uL) / total).toInt()

fun stageText(stage: SyncStage, lang: UiLang): String = when (stage) {
    SyncStage.MANIFEST -> if (lang == UiLang.VI) "Đang kiểm tra phiên bản" else "Checking the version"
    SyncStage.DOWNLOAD -> if (lang == UiLang.VI) "Đang tải danh sách" else "Downloading the list"
    SyncStage.APPLY -> if (lang == UiLang.VI) "Đang cập nhật" else "Updating"
}

/** "Cộng đồng: Đang tải danh sách 40%": each feed syncs in turn, so the line names it. */
fun progressText(feed: String, stage: SyncStage, done: ULong, total: ULong, lang: UiLang): String {
    val pct = progressPercent(done, total)
    val what = if (pct == null) stageText(stage, lang) else "${stageText(stage, lang)} $pct%"
    return "$feed: $what"
}

/** "27/11/2026 08:30", in the phone's zone; null when never synced. */
fun formatSyncedAt(epochSeconds: Long?, zone: ZoneId = ZoneId.systemDefault()): String? =
    epochSeconds?.let {
        DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(zone).format(Instant.ofEpochSecond(it))
    }
