package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.Health

/** The unit the list's age is said in: "just now", then minutes, hours, days. */
enum class AgeUnit { NOW, MINUTES, HOURS, DAYS }

/** How old the list is, in the largest whole unit: 3 days, not 75 hours. */
data class ListAge(val unit: AgeUnit, val count: Int)

/**
 * How old the list held is, from when its publisher signed it ([FeedStatus.publishedAt]), not
 * from the last check: a mirror that keeps serving the same version makes every check succeed
 * while the list grows old. Null when no list was ever applied. A phone clock behind the
 * publisher's (a negative age) says "just now".
 */
fun listAge(publishedAt: Long?, nowSeconds: Long): ListAge? {
    val age = (nowSeconds - (publishedAt ?: return null)).coerceAtLeast(0)
    return when {
        age < MINUTE -> ListAge(AgeUnit.NOW, 0)
        age < HOUR -> ListAge(AgeUnit.MINUTES, (age / MINUTE).toInt())
        age < DAY -> ListAge(AgeUnit.HOURS, (age / HOUR).toInt())
        else -> ListAge(AgeUnit.DAYS, (age / DAY).coerceAtMost(Int.MAX_VALUE.toLong()).toInt())
    }
}

/**
 * What the main screen says about the list: its age, and whether to warn that it is out of
 * date. The core decides "out of date" (the publisher's expiry has passed: [FeedStatus.expired]);
 * the app only shows it.
 */
data class ListState(val age: ListAge?, val expired: Boolean)

fun listState(status: FeedStatus, nowSeconds: Long): ListState =
    ListState(listAge(status.publishedAt, nowSeconds), status.expired)

/**
 * The same for several feeds, on the main screen's one line: the age of the oldest list held
 * (the one most likely to name a number's previous owner), and a warning when any list is
 * out of date. The settings screen shows each feed's own [listState].
 */
fun listState(feeds: List<FeedStatus>, nowSeconds: Long): ListState = ListState(
    listAge(feeds.mapNotNull { it.publishedAt }.minOrNull(), nowSeconds),
    feeds.any { it.expired },
)

/** The least recent successful check among the feeds ever synced; null when none was. */
fun lastSynced(feeds: List<FeedStatus>): Long? = feeds.mapNotNull { it.syncedAt }.minOrNull()

/** What the core repaired when it opened the files, for a note on the main screen. */
enum class Recovery {
    /** The user's file was damaged; its lists and settings came back from the backup kept beside it. */
    USER_DATA_RESTORED,

    /** The user's file was damaged and no backup beside it could be used: it started empty. */
    USER_DATA_LOST,

    /** The list file was damaged and set aside; the user's imports were copied back, the feed's entries return with the next sync. */
    LIST_SET_ASIDE,
}

/** The notes for what the core found when it opened: the user's file first, then the list. */
fun recoveryNotes(recoveredFrom: String?, restoredFromBackup: String?, listRecoveredFrom: String?): List<Recovery> =
    listOfNotNull(
        when {
            restoredFromBackup != null -> Recovery.USER_DATA_RESTORED
            recoveredFrom != null -> Recovery.USER_DATA_LOST
            else -> null
        },
        listRecoveredFrom?.let { Recovery.LIST_SET_ASIDE },
    )

fun recoveryNotes(guard: CallGuard): List<Recovery> =
    recoveryNotes(guard.recoveredFrom(), guard.restoredFromBackup(), guard.listRecoveredFrom())

/**
 * What the daily check found, as log lines: fixed sentences, never a path (it holds a time)
 * nor anything from the files. Empty when both files are sound.
 */
fun healthFindings(h: Health): List<String> = listOfNotNull(
    if (h.listSound) null else "the list file failed SQLite's check: it was moved aside and is rebuilt at the next sync",
    if (h.userFileSound) null else "the user's file failed SQLite's check: it is moved aside and recovered from its backup when the app next starts",
)

/**
 * Whether the daily job asks JobScheduler to run again soon (with its back-off) rather than in
 * a day: the sync failed, or the check set the list aside and only a sync rebuilds it. A check
 * that could not run ([health] null) changes nothing.
 */
fun dailyRunAgainSoon(synced: Boolean, health: Health?): Boolean = !synced || health?.listSound == false

private const val MINUTE = 60L
private const val HOUR = 60 * MINUTE
private const val DAY = 24 * HOUR
