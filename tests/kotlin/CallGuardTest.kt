package vn.canhgiac.tests

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.core.Action
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.Level
import vn.canhgiac.core.NumberKind
import vn.canhgiac.core.ReasonCode
import vn.canhgiac.core.ReportKind
import vn.canhgiac.core.ReportRequest
import vn.canhgiac.core.ReportTarget
import vn.canhgiac.core.SmsEncoding
import vn.canhgiac.core.UserList
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig
import vn.canhgiac.core.normalizeNumber
import vn.canhgiac.core.ring
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset

/** The public API the Android app uses, through the real generated bindings and the host-built core. */
class CallGuardTest {
    private val dir: File = Files.createTempDirectory("canhgiac").toFile()
    private val guard = CallGuard(File(dir, "cg.db").path, defaultConfig())
    private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

    @After
    fun cleanUp() {
        guard.close()
        dir.deleteRecursively()
    }

    private fun importList() {
        val twoDaysAgo = LocalDate.now(ZoneOffset.ofHours(7)).minusDays(2)
        val csv = """
            number,category,reports,last_reported,label
            0912345678,scam,37,$twoDaysAgo,mạo danh công an
            0900000001,nuisance,4,,
            not a number,scam,1,,
        """.trimIndent()
        val summary = guard.importCsvBytes(csv.toByteArray())
        assertEquals(2uL, summary.imported)
        assertEquals(listOf(4uL), summary.rejected.map { it.line })
    }

    @Test
    fun reportedNumberIsAScamWithReasonsAPersonUnderstands() {
        importList()
        val v = guard.screen("+84 91 234 5678", ringing)
        assertEquals(Level.SCAM, v.level)
        assertEquals(Action.WARN, v.action)
        assertEquals(ReasonCode.REPORTED, v.reasons.first().code)
        assertEquals(
            "Đã bị phản ánh lừa đảo 37 lần, gần nhất 2 ngày trước: mạo danh công an",
            v.reasons.first().text.vi,
        )
        assertEquals(37u, v.report?.reports)
        assertTrue(v.advice!!.vi.startsWith("Công an"))
        assertEquals("0912345678", v.number?.national)
    }

    @Test
    fun theRingingPathGivesScreensDecision() {
        importList()
        guard.block("0900000099")
        val numbers = listOf(
            "0912345678", "+84912345678", "0084912345678", "+84 91 234 5678", "0900000001", "0900000099",
            "0911111111", "113", "156", "+224621234567", "+15551234567", "1900123456", "0912-345-678", null,
        )
        for (verification in Verification.entries) {
            for (facts in listOf(CallFacts(verification = verification), CallFacts(inContacts = true, verification = verification), CallFacts(verification = verification, hidden = true))) {
                for (n in numbers) {
                    val v = guard.screen(n, facts)
                    val r = guard.ring(n, facts)
                    assertEquals("$n $facts", listOf(v.level, v.action, v.report != null, v.reasons.map { it.code }), listOf(r.level, r.action, r.listed, r.reasons))
                }
            }
        }
        // The core's errors come back as screen's: "12" packs (the ringing path's own call),
        // the other does not (uniffi's generated call).
        for (bad in listOf("12", "not a number ☎")) {
            val want = assertThrows(CanhGiacException::class.java) { guard.screen(bad, ringing) }
            val got = assertThrows(CanhGiacException::class.java) { guard.ring(bad, ringing) }
            assertEquals(want.javaClass, got.javaClass)
            assertEquals(want.message, got.message)
        }
    }

    @Test
    fun eachGuardRingsWithItsOwnListAndNotOnceClosed() {
        importList()
        val other = CallGuard(File(dir, "other.db").path, defaultConfig())
        assertTrue(guard.ring("0912345678", ringing).listed)
        assertFalse(other.ring("0912345678", ringing).listed)
        other.block("0912345678")
        assertEquals(Action.BLOCK, other.ring("0912345678", ringing).action)
        assertEquals(Action.ALLOW, guard.ring("0900000099", ringing).action)
        other.close()
        // As any generated method answers on a closed object; the open guard rings on.
        assertThrows(IllegalStateException::class.java) { other.ring("0912345678", ringing) }
        assertThrows(IllegalStateException::class.java) { other.screen("0912345678", ringing) }
        assertTrue(guard.ring("0912345678", ringing).listed)
    }

    @Test
    fun allowedNumberIsSafeEvenWhenReported() {
        importList()
        assertTrue(guard.allow("0912 345 678"))
        val v = guard.screen("0912345678", ringing.copy(verification = Verification.FAILED))
        assertEquals(Level.SAFE, v.level)
        assertEquals(Action.ALLOW, v.action)
        assertEquals(listOf(ReasonCode.USER_ALLOWED), v.reasons.map { it.code })
        assertEquals(listOf("0912345678"), guard.list(UserList.ALLOW).map { it.number })
    }

    @Test
    fun emergencyNumberAlwaysRings() {
        assertThrows(CanhGiacException.InvalidNumber::class.java) { guard.block("113") }
        val v = guard.screen("113", ringing)
        assertEquals(Level.SAFE, v.level)
        assertEquals(Action.ALLOW, v.action)
        assertEquals(ReasonCode.EMERGENCY, v.reasons.single().code)
        assertEquals(NumberKind.EMERGENCY, v.number?.kind)
    }

    @Test
    fun hiddenCallerAndHistory() {
        val v = guard.screen(null, ringing.copy(hidden = true))
        assertNull(v.number)
        assertEquals(ReasonCode.HIDDEN, v.reasons.single().code)
        guard.record(v)
        val h = guard.history(10u)
        assertEquals(1, h.size)
        assertEquals(listOf("hidden"), h[0].reasons)
        assertNull(h[0].number)
    }

    @Test
    fun reportIsBuiltAndKeptInTheOutbox() {
        val r = guard.buildReport(ReportRequest(
            number = "01621234567",
            kind = ReportKind.SCAM_CALL,
            target = ReportTarget.HOTLINE156,
            content = "Mạo danh công an\nyêu cầu chuyển tiền",
        ))
        assertEquals("156", r.to)
        assertEquals("LD 0321234567 Mạo danh công an yêu cầu chuyển tiền", r.body)
        assertEquals(SmsEncoding.UCS2, r.encoding)
        val folded = guard.buildReport(ReportRequest(
            number = "0912345678",
            kind = ReportKind.NUISANCE_CALL,
            target = ReportTarget.HOTLINE5656,
            content = "Gọi quảng cáo bất động sản",
            foldDiacritics = true,
        ))
        assertEquals("V 0912345678 Goi quang cao bat dong san", folded.body)
        assertEquals(SmsEncoding.GSM7, folded.encoding)
        assertEquals(1u, folded.segments)
        assertEquals(listOf("5656", "156"), guard.reports(10u).map { it.to })
    }

    @Test
    fun badInputSurfacesAsKotlinExceptionsAndChangesNothing() {
        val bad = listOf("", "abc", "😀", "0912'; DROP TABLE reported;--", "9".repeat(10_000), "0912\n345678")
        for (raw in bad) {
            val e = assertThrows(CanhGiacException.InvalidNumber::class.java) { guard.screen(raw, ringing) }
            assertTrue(e.message!!.isNotBlank())
            assertThrows(CanhGiacException.InvalidNumber::class.java) { guard.allow(raw) }
            assertThrows(CanhGiacException.InvalidNumber::class.java) { normalizeNumber(raw) }
        }
        assertThrows(CanhGiacException.InvalidNumber::class.java) {
            guard.buildReport(ReportRequest(number = "113", kind = ReportKind.SCAM_CALL, target = ReportTarget.HOTLINE156))
        }.also { assertTrue(it.message!!.contains("emergency")) }
        assertThrows(CanhGiacException.InvalidInput::class.java) {
            guard.importCsvBytes("phone,type\n0912345678,scam\n".toByteArray())
        }
        val stats = guard.stats()
        assertEquals(0uL, stats.reportedNumbers)
        assertEquals(0uL, stats.allowed)
        assertEquals(0, guard.reports(10u).size)
    }

    @Test
    fun unusableDatabasePathsAreStorageErrors() {
        assertThrows(CanhGiacException.Storage::class.java) {
            CallGuard(File(dir, "missing/cg.db").path, defaultConfig())
        }
        assertThrows(CanhGiacException.InvalidInput::class.java) { CallGuard("", defaultConfig()) }
        // /proc refuses new files even to root, unlike a chmod-ed folder.
        assertThrows(CanhGiacException.Storage::class.java) { CallGuard("/proc/canhgiac.db", defaultConfig()) }
    }

    @Test
    fun databaseFromANewerVersionIsRefusedAndKept() {
        val path = File(dir, "future.db")
        CallGuard(path.path, defaultConfig()).use { it.allow("0912345678") }
        // What a newer app leaves behind: PRAGMA user_version (header offset 60) above ours.
        val bytes = path.readBytes()
        bytes[63] = 99
        path.writeBytes(bytes)
        val e = assertThrows(CanhGiacException.SchemaTooNew::class.java) { CallGuard(path.path, defaultConfig()) }
        assertEquals(99u, e.found)
        assertTrue(path.readBytes().contentEquals(bytes))
        assertFalse(dir.listFiles()!!.any { it.name.contains("corrupt") })
    }

    @Test
    fun corruptDatabaseIsMovedAsideAndReported() {
        val path = File(dir, "broken.db")
        CallGuard(path.path, defaultConfig()).use { it.block("0912345678") }
        // The tables' pages are gone; the header (and our application id) stays.
        val bytes = path.readBytes()
        for (i in 100 until bytes.size) bytes[i] = 0x5a
        path.writeBytes(bytes)
        // Without the backup the core keeps beside it, a fresh file starts empty.
        val backup = File(dir, "broken.db.backup.json")
        val kept = backup.readBytes()
        backup.delete()
        CallGuard(path.path, defaultConfig()).use { g ->
            val aside = g.recoveredFrom()
            assertNotNull(aside)
            assertTrue(File(aside!!).readBytes().contentEquals(bytes))
            assertEquals(null, g.restoredFromBackup())
            assertEquals(0uL, g.stats().blocked)
        }
        // With it, the user's lists come back.
        path.writeBytes(bytes)
        backup.writeBytes(kept)
        CallGuard(path.path, defaultConfig()).use { g ->
            assertNotNull(g.recoveredFrom())
            assertNotNull(g.restoredFromBackup())
            assertEquals(1uL, g.stats().blocked)
        }
    }

    @Test
    fun aFileThatIsNotOursIsRefusedAndLeftAlone() {
        val path = File(dir, "list.csv")
        path.writeText("number,category,reports,last_reported,label\n".repeat(50))
        val before = path.readBytes()
        val e = assertThrows(CanhGiacException.Storage::class.java) { CallGuard(path.path, defaultConfig()) }
        assertTrue(e.message!!.contains("not a Cảnh Giác database"))
        assertTrue(path.readBytes().contentEquals(before))
        assertFalse(dir.listFiles()!!.any { it.name.contains("corrupt") })
    }
}
