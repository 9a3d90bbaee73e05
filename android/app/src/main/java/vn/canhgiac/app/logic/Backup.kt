package vn.canhgiac.app.logic

import vn.canhgiac.core.BackupProgress
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.RestoreSummary
import java.io.Closeable
import java.io.FileNotFoundException
import java.io.IOException
import java.time.LocalDate

/** The backup file as the system file picker sees it. */
object BackupFile {
    /** What ACTION_CREATE_DOCUMENT creates. */
    const val MIME = "application/json"

    /**
     * What ACTION_OPEN_DOCUMENT offers: any file. Providers often type a .json file as
     * text/plain or application/octet-stream, and the core refuses whatever is not a backup.
     */
    const val OPEN_TYPES = "*/*"

    /** The name the picker suggests: canhgiac-backup-2026-11-28.json. */
    fun suggestedName(day: LocalDate): String = "canhgiac-backup-$day.json"
}

/**
 * A file the picker handed over, opened: its descriptor [fd] is lent to the core for one call
 * (the core reads or writes a duplicate, streaming, so a million imported numbers never sit in
 * memory); [close] closes the app's own, which tells the document provider the file is complete.
 */
class PickedFile(val fd: Int, private val onClose: () -> Unit) : Closeable {
    override fun close() = onClose()
}

/**
 * Restores the backup [open] opens (the picked file), streaming; the core checks every entry as
 * it reads and changes nothing when it refuses the file, however far it got. Throws the core's
 * exception, or an IOException when the file cannot be opened.
 */
fun restoreBackup(guard: CallGuard, progress: BackupProgress?, open: () -> PickedFile?): RestoreSummary {
    val file = open() ?: throw IOException("the file could not be opened")
    return file.use { guard.restoreBackupFromFd(it.fd, progress) }
}

/**
 * Writes the core's backup (history only when [includeHistory]) to the file [open] opens in a
 * mode ("wt", else "w"), streaming. The picker may hand back an existing, longer file: "wt"
 * truncates it first; a provider that refuses "wt" gets "w". A core failure midway leaves a file
 * that a restore refuses whole.
 */
fun writeBackup(guard: CallGuard, includeHistory: Boolean, progress: BackupProgress?, open: (mode: String) -> PickedFile?) {
    val file = try {
        open("wt")
    } catch (e: IllegalArgumentException) {
        null
    } catch (e: UnsupportedOperationException) {
        null
    } catch (e: FileNotFoundException) {
        null
    } ?: open("w") ?: throw IOException("the file could not be opened")
    file.use { guard.exportBackupToFd(it.fd, includeHistory, progress) }
}

/** A long backup or restore's progress as a whole percentage, told only when it changes. */
class Percent(private val show: (Int) -> Unit) : BackupProgress {
    private var shown = -1

    override fun progress(done: ULong, total: ULong) {
        val percent = if (total == 0uL) 0 else (done.coerceAtMost(total) * 100uL / total).toInt()
        if (percent == shown) return
        shown = percent
        show(percent)
    }
}

/** A restore's outcome as the backup screen shows it: the counts, then at most [MAX_SKIPPED_SHOWN] reasons. */
data class RestoreReport(
    val lists: ULong,
    val imported: ULong,
    val history: ULong,
    val settings: Boolean,
    val skippedCount: Int,
    val skippedShown: List<String>,
) {
    val skippedNotShown: Int get() = skippedCount - skippedShown.size
}

const val MAX_SKIPPED_SHOWN = 10

fun restoreReport(s: RestoreSummary): RestoreReport =
    RestoreReport(s.lists, s.imported, s.history, s.settings, s.skipped.size, s.skipped.take(MAX_SKIPPED_SHOWN))
