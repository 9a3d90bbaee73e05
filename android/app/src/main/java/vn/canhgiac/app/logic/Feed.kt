package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.CanhGiacException
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

/** The address to sync from: the user's, else the shipped one; null when there is none. */
fun feedUrl(settings: AppSettings): String? =
    settings.feedUrl.trim().ifEmpty { FeedConfig.DEFAULT_URL }.takeIf { it.isNotEmpty() }

/** The keys the feed's signature may be checked with: the pinned ones plus the user's own. */
fun feedKeys(settings: AppSettings): List<String> =
    (FeedConfig.PINNED_PUBLIC_KEYS + settings.feedKey.split(',', ' ', '\n').map { it.trim() })
        .filter { it.isNotEmpty() }
        .distinct()

/** The feed can be synced only with an https address and at least one key. */
fun feedReady(settings: AppSettings): Boolean =
    feedUrl(settings)?.startsWith("https://") == true && feedKeys(settings).isNotEmpty()

/**
 * Hands the feed of [settings] to the core, which checks the address and the keys: call it
 * before saving them. Throws the core's [CanhGiacException] when it refuses them, and checks
 * nothing when there is no address (no feed at all is a valid choice).
 */
fun applyFeed(guard: CallGuard, settings: AppSettings) {
    val url = feedUrl(settings) ?: return
    // The core also accepts http (the files are signed either way); the app
    // syncs only over https, so it refuses to save anything else.
    if (url.startsWith("http://")) {
        throw CanhGiacException.InvalidInput("the feed address must start with https://")
    }
    guard.setFeed(url, feedKeys(settings))
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
