package vn.canhgiac.tests.bench

import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.NumberKind
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig
import vn.canhgiac.core.normalizeNumber
import vn.canhgiac.core.ring
import java.io.File
import kotlin.system.exitProcess

/**
 * The path the app really takes, on a desktop JVM: CallGuard.ring and CallGuard.screen called from Kotlin through
 * the generated bindings and JNA into the phone's library (profile phone), on a store of 1,000,000 synthetic
 * reported numbers (the same draw as rust-core/benches/screen.rs: splitmix64, seed 2024, the
 * mobile prefixes in use), and the cold path of a ringing phone whose app process was dead.
 *   JnaBench warm <dir> <rust p50 µs> <rust p99 µs>
 *   JnaBench cold-rows <dir> <db>   (the cold rows alone, on a store already made)
 *   JnaBench cold <db>        (one new JVM: load the library, open, first ring; prints µs from the JVM's start and from main)
 */
fun main(args: Array<String>) {
    when (args.firstOrNull()) {
        "cold" -> cold(args[1])
        "cold-rows" -> coldRows(File(args[1]), File(args[2]))
        "warm" -> warm(File(args[1]), args.getOrNull(2), args.getOrNull(3))
        else -> {
            System.err.println("usage: JnaBench warm <dir> [rust p50] [rust p99] | cold-rows <dir> <db> | cold <db>")
            exitProcess(2)
        }
    }
}

private const val ENTRIES = 1_000_000
private const val SAMPLES = 200_000
private const val COLD_RUNS = 15

/** splitmix64, as in rust-core/benches/common. */
private class Rng(var state: Long) {
    fun next(): Long {
        state += -0x61c8864680b583ebL
        var z = state
        z = (z xor (z ushr 30)) * -0x40a7b892e31b1a47L
        z = (z xor (z ushr 27)) * -0x6b2fb644ecceee15L
        return z xor (z ushr 31)
    }

    fun below(n: Long): Long = java.lang.Long.remainderUnsigned(next(), n)
}

private val PREFIXES = longArrayOf(32, 33, 34, 35, 36, 37, 38, 39, 52, 56, 58, 59, 70, 76, 77, 78, 79, 81, 82, 83, 84, 85, 86, 88, 89, 90, 91)

/** A random number the core accepts as a Vietnamese mobile; unassigned blocks are drawn again. */
private fun randomMobile(rng: Rng): Long {
    while (true) {
        val prefix = PREFIXES[rng.below(PREFIXES.size.toLong()).toInt()]
        val key = 84_000_000_000L + prefix * 10_000_000L + rng.below(10_000_000)
        val n = normalizeNumber("+$key")
        if (n.valid && n.kind == NumberKind.MOBILE) return key
    }
}

/** libc's getpid through JNA's direct mapping, the way uniffi binds the core's functions. */
private object LibC {
    init {
        com.sun.jna.Native.register(LibC::class.java, "c")
    }

    @JvmStatic external fun getpid(): Int
}

/** A Structure of RustBuffer's shape (capacity, len, data). */
@com.sun.jna.Structure.FieldOrder("capacity", "len", "data")
open class Buffer : com.sun.jna.Structure() {
    @JvmField var capacity: Long = 0
    @JvmField var len: Long = 0
    @JvmField var data: com.sun.jna.Pointer? = null
}

private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

private fun us(nanos: Long) = nanos / 1000.0

private fun pct(sorted: LongArray, p: Double) = sorted[((sorted.size - 1) * p).toInt()]

/** Collections and milliseconds the JVM's garbage collectors have spent so far. */
private fun gc(): Pair<Long, Long> = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
    .fold(0L to 0L) { (n, ms), b -> (n + b.collectionCount) to (ms + b.collectionTime) }

/** What the last [time] saw: collections, their ms, and calls over 1 ms. */
private var lastGc = Triple(0L, 0L, 0)

/** Java heap the last [time] allocated per call (this thread's allocation counter). */
private var lastBytes = 0.0

private fun allocated(): Long = (java.lang.management.ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean)
    .getThreadAllocatedBytes(Thread.currentThread().id)

/** Times [f] on every query, after 50,000 warm-up calls (so the JIT has compiled the path); returns the sorted nanoseconds. */
private fun time(queries: List<String>, f: (String) -> Unit): LongArray {
    repeat(5) { for (q in queries.take(10_000)) f(q) }
    val (n0, ms0) = gc()
    val t = LongArray(queries.size)
    val bytes0 = allocated()
    for ((i, q) in queries.withIndex()) {
        val start = System.nanoTime()
        f(q)
        t[i] = System.nanoTime() - start
    }
    lastBytes = (allocated() - bytes0).toDouble() / queries.size
    val (n1, ms1) = gc()
    lastGc = Triple(n1 - n0, ms1 - ms0, t.count { it > 1_000_000 })
    t.sort()
    return t
}

private fun warm(dir: File, rustP50: String?, rustP99: String?) {
    dir.mkdirs()
    val db = File(dir, "jna-bench.db")
    val rng = Rng(2024)
    val keys = LongArray(ENTRIES)
    var csv: StringBuilder? = StringBuilder("number,category,reports,last_reported,label\n")
    for (i in 0 until ENTRIES) {
        val key = randomMobile(rng)
        keys[i] = key
        csv!!.append('+').append(key).append(if (rng.below(4) == 0L) ",nuisance," else ",scam,").append(1 + rng.below(50)).append(",2026-01-01,\n")
    }
    val started = System.nanoTime()
    CallGuard(db.path, defaultConfig()).use { it.importCsvBytes(csv.toString().toByteArray()) }
    csv = null // 50 MB the collector need not keep
    val importS = (System.nanoTime() - started) / 1e9
    val queries = (0 until SAMPLES).map { i ->
        val key = if (i % 2 == 0) keys[rng.below(keys.size.toLong()).toInt()] else randomMobile(rng)
        when (i % 3) {
            0 -> "+$key"
            1 -> "0${key - 84_000_000_000L}"
            else -> "$key"
        }
    }
    CallGuard(db.path, defaultConfig()).use { guard ->
        var listed = 0
        val rows = ArrayList<String>()
        fun row(what: String, t: LongArray) {
            val (n, ms, slow) = lastGc
            rows += "| $what | ${"%.1f".format(us(pct(t, 0.5)))} µs | ${"%.1f".format(us(pct(t, 0.99)))} µs | ${"%.1f".format(us(pct(t, 0.999)))} µs | ${"%,.0f".format(lastBytes)} B | $slow | $n / $ms ms |"
        }
        // The app's ringing path (ScreeningService): the number, the facts and the verdict cross
        // as integers (rust-core/kotlin/.../Ringing.kt); then screen's full verdict, with its
        // sentences, which the app reads after answering.
        var rung = 0
        row("CallGuard.ring (the answer's path)", time(queries) { q -> if (guard.ring(q, ringing).listed) rung++ })
        row("CallGuard.screen", time(queries) { q -> if (guard.screen(q, ringing).report != null) listed++ })
        check(rung == listed) { "ring and screen found $rung and $listed listed" }
        // Where the time goes: the same verdict record back without the number lookup (a hidden
        // caller), and the crossing alone with a small record each way (no database).
        val hidden = CallFacts(verification = Verification.NOT_VERIFIED, hidden = true)
        row("CallGuard.screen, hidden caller (no lookup, a verdict back)", time(queries) { guard.screen(null, hidden) })
        row("normalizeNumber (a string in, a small record back)", time(queries) { q -> normalizeNumber(q) })
        // JNA's own parts, apart from uniffi and the core: a direct call with no argument, and
        // one Structure of RustBuffer's shape made and written (uniffi makes several per call:
        // the call status, each buffer in and out).
        row("JNA alone: a direct call to libc getpid()", time(queries) { LibC.getpid() })
        row("JNA alone: one Structure (RustBuffer's shape) made and written", time(queries) { Buffer().write() })
        println()
        println("store: ${guard.stats().reportedNumbers} reported numbers, imported through JNA in ${"%.1f".format(importS)} s; $SAMPLES calls each, $listed listed")
        println()
        println("| measure (Kotlin on the JVM, JNA ${com.sun.jna.Native.VERSION}) | p50 | p99 | p99.9 | heap per call | calls over 1 ms | GCs in the loop / their time |")
        println("|---|---|---|---|---|---|---|")
        rows.forEach(::println)
        if (rustP50 != null) println("| CallGuard::screen, Rust only, same run (cargo bench) | $rustP50 µs | $rustP99 µs | | | | |")
    }
    coldRows(dir, db)
}

/** The cold rows, for the store [db] (`warm` calls it; `JnaBench cold-rows <dir> <db>` alone). */
private fun coldRows(dir: File, db: File) {
    // Cold: new JVMs, each timing from its own start (the JVM's recorded start time) and from
    // main to its first verdict; and the whole process from outside. Twice: a plain JVM, and the
    // desktop's nearest thing to a phone's app process (which forks from the zygote with the
    // framework preloaded and the app's code compiled ahead of time): an application class-data
    // archive (AppCDS: the classes of Kotlin, JNA and the bindings parsed once beforehand), and
    // JNA told the system's library folders, which on desktop Linux (not Android) it otherwise
    // asks `/sbin/ldconfig -p` for in a child process before loading any library.
    val java = File(System.getProperty("java.home"), "bin/java").path
    val cp = System.getProperty("java.class.path")
    val lib = System.getProperty("jna.library.path")
    val archive = File(dir, "cold.jsa")
    fun coldRun(vararg jvmFlags: String): Triple<Long, Long, Long> {
        val t = System.nanoTime()
        val p = ProcessBuilder(listOf(java, *jvmFlags, "-Djna.library.path=$lib", "-cp", cp, "vn.canhgiac.tests.bench.JnaBenchKt", "cold", db.path))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        // The line of two numbers: the training run's JVM also prints which classes it could not archive.
        val out = p.inputStream.bufferedReader().readText().lines().last { it.matches(Regex("\\d+ \\d+")) }.split(' ')
        check(p.waitFor() == 0) { "cold child failed" }
        return Triple(out[0].toLong(), out[1].toLong(), (System.nanoTime() - t) / 1000)
    }
    coldRun("-XX:ArchiveClassesAtExit=${archive.path}") // the archive's one training run
    val phoneLike = arrayOf("-XX:SharedArchiveFile=${archive.path}", "-Xshare:on", "-Djna.platform.library.path=/usr/lib")
    val series = listOf("plain JVM" to arrayOf<String>(), "JVM as a phone's process (AppCDS, no ldconfig)" to phoneLike)
    for ((what, flags) in series.filter { it.second.isEmpty() || archive.isFile }) {
        val runs = (0 until COLD_RUNS).map { coldRun(*flags) }
        fun row(label: String, micros: List<Long>) {
            val sorted = micros.sorted()
            println("| cold, $what: $label; median / worst of $COLD_RUNS | ${"%.0f".format(sorted[sorted.size / 2] / 1000.0)} ms | ${"%.0f".format(sorted.last() / 1000.0)} ms (worst) | | | | |")
        }
        row("**JVM start to first verdict** (`ring`)", runs.map { it.first })
        row("main to first verdict (load the library through JNA, open CallGuard, `ring`)", runs.map { it.second })
        row("the whole process, start to exit", runs.map { it.third })
    }
    if (!archive.isFile) println("| cold, JVM as a phone's process: this JVM made no archive (-XX:ArchiveClassesAtExit), not measured | | | | | | |")
    archive.delete()
}

private fun cold(db: String) {
    val t = System.nanoTime()
    // The first touch of the bindings loads the library through JNA; the first verdict is the
    // ringing path's, as in the app's ScreeningService.
    CallGuard(db, defaultConfig()).use { guard ->
        val v = guard.ring("0912345678", ringing)
        val fromMain = (System.nanoTime() - t) / 1000
        val now = System.currentTimeMillis()
        // The JVM's own start time, in ms since the epoch (taken as the JVM starts, before main),
        // read after the clock: the management classes it loads are not the app's.
        val fromStart = (now - java.lang.management.ManagementFactory.getRuntimeMXBean().startTime) * 1000
        check(v.level != vn.canhgiac.core.Level.SAFE)
        println("$fromStart $fromMain")
    }
}
