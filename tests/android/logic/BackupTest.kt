package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.BackupFile
import vn.canhgiac.app.logic.MAX_SKIPPED_SHOWN
import vn.canhgiac.app.logic.coreReasonOrNull
import vn.canhgiac.app.logic.readAtMost
import vn.canhgiac.app.logic.restoreBackup
import vn.canhgiac.app.logic.restoreReport
import vn.canhgiac.app.logic.writeBackup
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.RestoreSummary
import vn.canhgiac.core.UserList
import vn.canhgiac.core.Verification
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.time.LocalDate

/** What the backup screen does with the file the picker hands it, on a real core. */
class BackupTest {
    private val from = Fixture()
    private val to = Fixture()

    @After
    fun cleanUp() {
        from.close()
        to.close()
    }

    @Test
    fun thePickerSuggestsADatedJsonFile() {
        assertEquals("canhgiac-backup-2026-11-28.json", BackupFile.suggestedName(LocalDate.of(2026, 11, 28)))
        assertEquals("application/json", BackupFile.MIME)
        assertEquals(16 * 1024 * 1024, BackupFile.MAX_BYTES)
    }

    /** A new phone: the lists, imports and settings come back; history only from a backup made with it. */
    @Test
    fun aBackupCarriesTheUsersDataToAnotherPhone() {
        from.guard.allow("0987654321")
        from.guard.block("0911222333")
        from.guard.setPolicy(from.guard.policy().copy(scam = Action.SILENCE))
        from.guard.record(from.guard.screen("0900000001", CallFacts(verification = Verification.NOT_VERIFIED)))

        val plain = export(from, includeHistory = false)
        val s = restoreBackup(to.guard) { ByteArrayInputStream(plain) }
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
        assertEquals(1uL, restoreBackup(to.guard) { ByteArrayInputStream(withHistory) }.history)
        assertEquals(1, to.guard.history(10u).size)
    }

    /** The file is opened "wt" (an existing, longer file is truncated), and "w" where a provider refuses "wt". */
    @Test
    fun theBackupIsWrittenTruncatingWherePossible() {
        val modes = mutableListOf<String>()
        val out = ByteArrayOutputStream()
        writeBackup(from.guard, includeHistory = false) { mode -> modes += mode; out }
        assertEquals(listOf("wt"), modes)
        assertArrayEquals(from.guard.exportBackup(false), out.toByteArray())

        modes.clear()
        val fallback = ByteArrayOutputStream()
        writeBackup(from.guard, includeHistory = false) { mode ->
            modes += mode
            if (mode == "wt") throw IllegalArgumentException("Unsupported mode: wt") else fallback
        }
        assertEquals(listOf("wt", "w"), modes)
        assertTrue(fallback.size() > 0)

        // A provider that hands back nothing: an IOException, in the app's own words on screen.
        try {
            writeBackup(from.guard, includeHistory = false) { null }
            fail("wrote to nothing")
        } catch (e: IOException) {
            assertNull(coreReasonOrNull(e))
        }
    }

    /** A picked file larger than the core's bound is read to one byte past it, and the core refuses it. */
    @Test
    fun aHugeFileIsReadOnlyToTheBound() {
        val huge = CountingStream(BackupFile.MAX_BYTES.toLong() * 2)
        val statsBefore = to.guard.stats()
        val reason = refusal { restoreBackup(to.guard) { huge } }
        assertTrue(reason, reason.contains("16 MiB"))
        assertEquals(BackupFile.MAX_BYTES + 1L, huge.served)
        assertTrue(huge.closed)
        assertEquals(statsBefore, to.guard.stats())

        assertEquals(5, readAtMost(ByteArrayInputStream(ByteArray(5)), 10).size)
        assertEquals(10, readAtMost(ByteArrayInputStream(ByteArray(50)), 10).size)
        assertEquals(0, readAtMost(ByteArrayInputStream(ByteArray(0)), 10).size)
    }

    /** What the screen shows for a file that is not a backup: the core's reason; nothing changes. */
    @Test
    fun aFileThatIsNotABackupChangesNothing() {
        val before = to.guard.stats()
        val reason = refusal { restoreBackup(to.guard) { ByteArrayInputStream("number,category\n".toByteArray()) } }
        assertTrue(reason, reason.contains("not a Cảnh Giác backup"))
        assertEquals(before, to.guard.stats())
        try {
            restoreBackup(to.guard) { null }
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
        val json = String(export(from, includeHistory = false))
        val firstNumber = Regex("\"number\":\\s*\"[^\"]*\"").find(json) ?: error("no list entry in $json")
        val broken = json.replaceFirst(firstNumber.value, "\"number\": \"not a number\"")
        val s = restoreBackup(to.guard) { ByteArrayInputStream(broken.toByteArray()) }
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

    private fun export(f: Fixture, includeHistory: Boolean): ByteArray {
        val out = ByteArrayOutputStream()
        writeBackup(f.guard, includeHistory) { out }
        return out.toByteArray()
    }

    /** The core's reason for refusing what [restore] hands it, as the backup screen shows it. */
    private fun refusal(restore: () -> Unit): String = try {
        restore()
        fail("accepted")
        ""
    } catch (e: CanhGiacException) {
        coreReasonOrNull(e) ?: error("no reason")
    }

    /** [size] spaces, counting what was read. */
    private class CountingStream(private val size: Long) : InputStream() {
        var served = 0L
        var closed = false

        override fun read(): Int = if (served >= size) -1 else 0x20.also { served++ }

        override fun read(b: ByteArray, off: Int, len: Int): Int {
            if (served >= size) return -1
            val n = minOf(len.toLong(), size - served).toInt()
            b.fill(0x20, off, off + n)
            served += n
            return n
        }

        override fun close() {
            closed = true
        }
    }
}
