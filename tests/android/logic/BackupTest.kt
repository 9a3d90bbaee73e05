package vn.canhgiac.tests.android

import com.sun.jna.Library
import com.sun.jna.Native
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.BackupFile
import vn.canhgiac.app.logic.MAX_SKIPPED_SHOWN
import vn.canhgiac.app.logic.Percent
import vn.canhgiac.app.logic.PickedFile
import vn.canhgiac.app.logic.coreReasonOrNull
import vn.canhgiac.app.logic.restoreBackup
import vn.canhgiac.app.logic.restoreReport
import vn.canhgiac.app.logic.writeBackup
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.RestoreSummary
import vn.canhgiac.core.UserList
import vn.canhgiac.core.Verification
import java.io.File
import java.io.IOException
import java.time.LocalDate

/**
 * What the backup screen does with the file the picker hands it, on a real core: the file's
 * descriptor, opened here with libc's open(2) as a document provider would hand it over, is lent
 * to the core, which streams into or out of it; the app closes its own afterwards.
 */
class BackupTest {
    private val from = Fixture()
    private val to = Fixture()
    private var closed = 0

    @After
    fun cleanUp() {
        from.close()
        to.close()
    }

    @Test
    fun thePickerSuggestsADatedJsonFile() {
        assertEquals("canhgiac-backup-2026-11-28.json", BackupFile.suggestedName(LocalDate.of(2026, 11, 28)))
        assertEquals("application/json", BackupFile.MIME)
    }

    /** A new phone: the lists, imports and settings come back; history only from a backup made with it. */
    @Test
    fun aBackupCarriesTheUsersDataToAnotherPhone() {
        from.guard.allow("0987654321")
        from.guard.block("0911222333")
        from.guard.setPolicy(from.guard.policy().copy(scam = Action.SILENCE))
        from.guard.record(from.guard.screen("0900000001", CallFacts(verification = Verification.NOT_VERIFIED)))

        val plain = export(from, includeHistory = false)
        val s = restoreBackup(to.guard, null) { pick(plain, "r") }
        assertEquals(2uL, s.lists)
        assertEquals(3uL, s.imported)
        assertEquals(0uL, s.history)
        assertTrue(s.settings)
        assertEquals(emptyList<String>(), s.skipped)
        assertEquals(1, to.guard.list(UserList.ALLOW).size)
        assertEquals(1, to.guard.list(UserList.BLOCK).size)
        assertEquals(Action.SILENCE, to.guard.policy().scam)
        assertEquals(0, to.guard.history(10u).size)

        val withHistory = export(from, includeHistory = true)
        assertEquals(1uL, restoreBackup(to.guard, null) { pick(withHistory, "r") }.history)
        assertEquals(1, to.guard.history(10u).size)
        // The app closed each descriptor it lent (the core closed only its own copies).
        assertEquals(4, closed)
    }

    /** The file is opened "wt" (an existing, longer file is truncated), and "w" where a provider refuses "wt". */
    @Test
    fun theBackupIsWrittenTruncatingWherePossible() {
        val modes = mutableListOf<String>()
        val target = File(from.dir, "picked.json")
        target.writeText("x".repeat(1 shl 20))
        writeBackup(from.guard, includeHistory = false, progress = null) { mode -> modes += mode; pick(target, mode) }
        assertEquals(listOf("wt"), modes)
        assertEquals(withoutTime(String(from.guard.exportBackup(false))), withoutTime(target.readText()))

        modes.clear()
        val fallback = File(from.dir, "fallback.json")
        writeBackup(from.guard, includeHistory = false, progress = null) { mode ->
            modes += mode
            if (mode == "wt") throw IllegalArgumentException("Unsupported mode: wt") else pick(fallback, mode)
        }
        assertEquals(listOf("wt", "w"), modes)
        assertTrue(fallback.length() > 0)

        // A provider that hands back nothing: an IOException, in the app's own words on screen.
        try {
            writeBackup(from.guard, includeHistory = false, progress = null) { null }
            fail("wrote to nothing")
        } catch (e: IOException) {
            assertNull(coreReasonOrNull(e))
        }
    }

    /** A file cut short in the middle (a download that broke off) is refused whole: nothing changes. */
    @Test
    fun aFileCutShortChangesNothing() {
        from.guard.block("0911222333")
        val whole = export(from, includeHistory = false).readBytes()
        val cut = File(to.dir, "cut.json").apply { writeBytes(whole.copyOf(whole.size * 2 / 3)) }
        val before = to.guard.stats()
        val reason = refusal { restoreBackup(to.guard, null) { pick(cut, "r") } }
        assertTrue(reason, reason.contains("not a Cảnh Giác backup"))
        assertEquals(before, to.guard.stats())
    }

    /** The core's progress reaches the screen as whole percentages, each once, ending at 100. */
    @Test
    fun progressIsToldInPercent() {
        val told = mutableListOf<Int>()
        writeBackup(from.guard, includeHistory = false, progress = Percent { told += it }) { pick(File(from.dir, "p.json"), it) }
        assertEquals(100, told.last())
        assertEquals(told.distinct(), told)
        val percent = Percent { told += it }
        told.clear()
        percent.progress(0u, 0u)
        percent.progress(1u, 3u)
        percent.progress(1u, 3u)
        percent.progress(5u, 3u)
        assertEquals(listOf(0, 33, 100), told)
    }

    /** What the screen shows for a file that is not a backup: the core's reason; nothing changes. */
    @Test
    fun aFileThatIsNotABackupChangesNothing() {
        val before = to.guard.stats()
        val csv = File(to.dir, "list.csv").apply { writeText("number,category\n") }
        val reason = refusal { restoreBackup(to.guard, null) { pick(csv, "r") } }
        assertTrue(reason, reason.contains("not a Cảnh Giác backup"))
        assertEquals(before, to.guard.stats())
        try {
            restoreBackup(to.guard, null) { null }
            fail("restored from nothing")
        } catch (e: IOException) {
            assertNull(coreReasonOrNull(e))
        }
    }

    /** An entry the core will not take is skipped and named; the rest is restored. */
    @Test
    fun skippedEntriesAreCountedAndTheFirstShown() {
        from.guard.allow("0987654321")
        from.guard.block("0911222333")
        val json = export(from, includeHistory = false).readText()
        val firstNumber = Regex("\"number\":\\s*\"[^\"]*\"").find(json) ?: error("no list entry in $json")
        val broken = File(to.dir, "broken.json").apply { writeText(json.replaceFirst(firstNumber.value, "\"number\": \"not a number\"")) }
        val s = restoreBackup(to.guard, null) { pick(broken, "r") }
        assertEquals(1uL, s.lists)
        assertEquals(1, s.skipped.size)
        assertTrue(s.skipped[0], s.skipped[0].startsWith("list entry 1"))
        val report = restoreReport(s)
        assertEquals(1, report.skippedCount)
        assertEquals(s.skipped, report.skippedShown)
        assertEquals(0, report.skippedNotShown)

        val many = restoreReport(RestoreSummary(0u, 0u, 0u, false, List(25) { "list entry ${it + 1}: why" }))
        assertEquals(25, many.skippedCount)
        assertEquals(MAX_SKIPPED_SHOWN, many.skippedShown.size)
        assertEquals("list entry 1: why", many.skippedShown.first())
        assertEquals(25 - MAX_SKIPPED_SHOWN, many.skippedNotShown)
    }

    private fun export(f: Fixture, includeHistory: Boolean): File {
        val out = File(f.dir, "backup-$includeHistory.json")
        writeBackup(f.guard, includeHistory, progress = null) { mode -> pick(out, mode) }
        return out
    }

    private fun withoutTime(json: String) = json.lines().filterNot { it.contains("exported_at") }

    /** [file] opened as a provider's ParcelFileDescriptor would be ("r", "w" or "wt"), its closing counted. */
    private fun pick(file: File, mode: String): PickedFile {
        val flags = when (mode) {
            "r" -> O_RDONLY
            "w" -> O_WRONLY or O_CREAT
            else -> O_WRONLY or O_CREAT or O_TRUNC
        }
        val fd = LIBC.open(file.path, flags, 384)
        check(fd >= 0) { "open(2) failed for ${file.path}" }
        return PickedFile(fd) {
            closed++
            check(LIBC.close(fd) == 0) { "the descriptor was not the app's to close any more" }
        }
    }

    /** The core's reason for refusing what [restore] hands it, as the backup screen shows it. */
    private fun refusal(restore: () -> Unit): String = try {
        restore()
        fail("accepted")
        ""
    } catch (e: CanhGiacException) {
        coreReasonOrNull(e) ?: error("no reason")
    }

    /** libc's open(2) and close(2): the raw descriptors a ParcelFileDescriptor holds on Android. */
    private interface LibC : Library {
        fun open(path: String, flags: Int, mode: Int): Int

        fun close(fd: Int): Int
    }

    private companion object {
        val LIBC: LibC = Native.load("c", LibC::class.java)

        // Linux's values (the JVM these tests run on, and Android's bionic).
        const val O_RDONLY = 0
        const val O_WRONLY = 1
        const val O_CREAT = 0x40
        const val O_TRUNC = 0x200
    }
}
