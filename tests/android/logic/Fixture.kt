package vn.canhgiac.tests.android

import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.defaultConfig
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset

/** A real core on a temp SQLite file with a small synthetic list (never real numbers). */
class Fixture : AutoCloseable {
    val dir: File = Files.createTempDirectory("canhgiac-android").toFile()
    var guard = open()
        private set

    private fun open() = CallGuard(userFile.path, defaultConfig())

    /** The user's file; the list file is beside it. */
    val userFile: File get() = File(dir, "cg.db")
    val listFile: File get() = File(dir, "cg.list.db")

    /** Closes the core, runs [meanwhile] (e.g. damages a file), and opens the same file again, as a new process would. */
    fun reopen(meanwhile: () -> Unit = {}) {
        guard.close()
        meanwhile()
        guard = open()
    }

    init {
        val recent = LocalDate.now(ZoneOffset.ofHours(7)).minusDays(2)
        val csv = """
            number,category,reports,last_reported,label
            0912345678,scam,37,$recent,mạo danh công an
            0900000001,nuisance,4,$recent,quảng cáo bất động sản
            0900000002,scam,3,,
        """.trimIndent()
        check(guard.importCsvBytes(csv.toByteArray()).imported == 3uL)
    }

    override fun close() {
        guard.close()
        dir.deleteRecursively()
    }
}
