package vn.canhgiac.app

import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import vn.canhgiac.app.logic.BackupFile
import vn.canhgiac.app.logic.Percent
import vn.canhgiac.app.logic.PickedFile
import vn.canhgiac.app.logic.RestoreReport
import vn.canhgiac.app.logic.coreReasonOrNull
import vn.canhgiac.app.logic.restoreBackup
import vn.canhgiac.app.logic.restoreReport
import vn.canhgiac.app.logic.writeBackup
import java.time.LocalDate

/**
 * Backup and restore through the system file picker: "Sao lưu" writes the core's backup to a
 * file the user creates (ACTION_CREATE_DOCUMENT), "Khôi phục" merges in one the user opens
 * (ACTION_OPEN_DOCUMENT). The app holds no storage permission: the picker grants access to
 * that one file. The file is read and written off the main thread, by the core, streaming (a
 * million imported numbers never sit in memory), with its progress shown.
 */
class BackupActivity : CoreActivity() {
    /** What the last backup or restore came to, kept across redraws. */
    private var outcome: List<String> = emptyList()

    override fun refresh() = render()

    private fun render() = show(R.string.backup_title) {
        text(getString(R.string.backup_what))
        primary(getString(R.string.backup_export)) { pickTarget(REQ_EXPORT) }
        button(getString(R.string.backup_export_history)) { pickTarget(REQ_EXPORT_WITH_HISTORY) }
        text(getString(R.string.backup_restore_what))
        button(getString(R.string.backup_restore)) { pick(openIntent(), REQ_RESTORE) }
        for (line in outcome) text(line)
    }

    /** The picker creates the file; the request code says whether history goes in. */
    private fun pickTarget(request: Int) = pick(
        Intent(Intent.ACTION_CREATE_DOCUMENT)
            .addCategory(Intent.CATEGORY_OPENABLE)
            .setType(BackupFile.MIME)
            .putExtra(Intent.EXTRA_TITLE, BackupFile.suggestedName(LocalDate.now())),
        request,
    )

    private fun openIntent(): Intent =
        Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType(BackupFile.OPEN_TYPES)

    private fun pick(intent: Intent, request: Int) {
        try {
            startActivityForResult(intent, request)
        } catch (e: ActivityNotFoundException) {
            toast(getString(R.string.no_file_picker))
        }
    }

    // The choice travels in the request code, not in a field: the screen may be recreated while
    // the picker is open.
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.getData()
        if (resultCode != Activity.RESULT_OK || uri == null) return
        when (requestCode) {
            REQ_EXPORT -> export(uri, includeHistory = false)
            REQ_EXPORT_WITH_HISTORY -> export(uri, includeHistory = true)
            REQ_RESTORE -> restore(uri)
        }
    }

    /** The picked file opened in [mode], its descriptor lent to the core; null when the provider gives none. */
    private fun picked(uri: Uri, mode: String): PickedFile? {
        val pfd = getContentResolver().openFileDescriptor(uri, mode) ?: return null
        return PickedFile(pfd.getFd()) { pfd.close() }
    }

    /** The core's progress, as "…%" under the buttons (posted to the main thread). */
    private fun progress(text: Int) = Percent { percent ->
        runOnUiThread {
            outcome = listOf(getString(text, percent))
            render()
        }
    }

    private fun export(uri: Uri, includeHistory: Boolean) {
        val progress = progress(R.string.backup_saving)
        io({ writeBackup(app.guard, includeHistory, progress) { mode -> picked(uri, mode) } }) { r ->
            outcome = listOf(
                r.fold({ getString(R.string.backup_saved) }, { getString(R.string.backup_save_failed, reason(it)) }),
            )
            render()
        }
    }

    private fun restore(uri: Uri) {
        val progress = progress(R.string.backup_restoring)
        io({
            val summary = restoreBackup(app.guard, progress) { picked(uri, "r") }
            // The backup may carry a feed: the daily job follows what the core keeps now.
            runCatching { SyncJob.configure(this) }.onFailure { logFailure("scheduling after a restore", it) }
            restoreReport(summary)
        }) { r ->
            outcome = r.fold({ lines(it) }, { listOf(getString(R.string.backup_restore_failed, reason(it))) })
            render()
        }
    }

    /** The restore's counts, then what was skipped and why (the core's words). */
    private fun lines(report: RestoreReport): List<String> = buildList {
        add(
            getString(
                R.string.backup_restored,
                report.lists.toString(),
                report.imported.toString(),
                report.history.toString(),
            ),
        )
        if (report.settings) add(getString(R.string.backup_restored_settings))
        if (report.skippedCount > 0) {
            add(getString(R.string.backup_skipped, report.skippedCount.toString()))
            report.skippedShown.forEach { add("• $it") }
            if (report.skippedNotShown > 0) add(getString(R.string.backup_skipped_more, report.skippedNotShown.toString()))
        }
    }

    /** The core's reason for a refusal; for a file the provider could not open, the app's own words. */
    private fun reason(e: Throwable): String = coreReasonOrNull(e) ?: getString(R.string.file_unusable)

    companion object {
        private const val REQ_EXPORT = 11
        private const val REQ_EXPORT_WITH_HISTORY = 12
        private const val REQ_RESTORE = 13
    }
}
