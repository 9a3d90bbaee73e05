package vn.canhgiac.app.logic

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.RestoreSummary
import java.io.ByteArrayOutputStream
import java.io.FileNotFoundException
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
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

    /** The core's bound on a backup (rust-core backup.rs, MAX_BYTES); it refuses a larger file. */
    const val MAX_BYTES = 16 * 1024 * 1024

    /** The name the picker suggests: canhgiac-backup-2026-11-28.json. */
    fun suggestedName(day: LocalDate): String = "canhgiac-backup-$day.json"
}

/**
 * At most [limit] bytes of [input]; the rest is never read. A file of more than
 * [BackupFile.MAX_BYTES] is read to one byte past the bound, which the core refuses with its
 * own reason: a picked file never costs more than 16 MiB of memory.
 */
fun readAtMost(input: InputStream, limit: Int): ByteArray {
    val out = ByteArrayOutputStream()
    val chunk = ByteArray(64 * 1024)
    while (out.size() < limit) {
        val n = input.read(chunk, 0, minOf(chunk.size, limit - out.size()))
        if (n < 0) break
        out.write(chunk, 0, n)
    }
    return out.toByteArray()
}

/**
 * Restores the backup [open] reads (the picked file), bounded; the core checks it whole and
 * changes nothing when it refuses it. Throws the core's exception, or an IOException when the
 * file cannot be read.
 */
fun restoreBackup(guard: CallGuard, open: () -> InputStream?): RestoreSummary {
    val bytes = (open() ?: throw IOException("the file could not be opened")).use {
        readAtMost(it, BackupFile.MAX_BYTES + 1)
    }
    return guard.restoreBackup(bytes)
}

/**
 * Writes the core's backup (history only when [includeHistory]) to the file [open] opens in a
 * mode ("wt", else "w"). The picker may hand back an existing, longer file: "wt" truncates it
 * first; a provider that refuses "wt" gets "w". The backup is built before the file is opened,
 * so a core failure leaves the file as it was.
 */
fun writeBackup(guard: CallGuard, includeHistory: Boolean, open: (mode: String) -> OutputStream?) {
    val bytes = guard.exportBackup(includeHistory)
    val out = try {
        open("wt")
    } catch (e: IllegalArgumentException) {
        null
    } catch (e: UnsupportedOperationException) {
        null
    } catch (e: FileNotFoundException) {
        null
    } ?: open("w") ?: throw IOException("the file could not be opened")
    out.use { it.write(bytes) }
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
