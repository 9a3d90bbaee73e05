package vn.canhgiac.tests

import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.Category
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.Level
import vn.canhgiac.core.ReasonCode
import vn.canhgiac.core.SyncPath
import vn.canhgiac.core.SyncProgress
import vn.canhgiac.core.SyncStage
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig
import java.io.File
import java.nio.file.Files

/**
 * `sync` as the app calls it: a Kotlin `suspend fun`, against the feed that
 * `./build.sh test` builds with the CLI and serves with nginx on loopback.
 */
class SyncTest {
    private val url = System.getenv("CANHGIAC_TEST_FEED_URL")
        ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test, which starts nginx")
    private val key = System.getenv("CANHGIAC_TEST_FEED_KEY")!!.trim()
    private val dir: File = Files.createTempDirectory("canhgiac-sync").toFile()
    private val guard = CallGuard(File(dir, "phone.db").path, defaultConfig())

    @After
    fun cleanUp() {
        guard.close()
        dir.deleteRecursively()
    }

    @Test
    fun syncsTheSignedFeedWithProgressThenFindsNothingNew() = runBlocking {
        guard.setFeed(url, listOf(key), allowHttp = true)
        val stages = mutableListOf<SyncStage>()
        val progress = object : SyncProgress {
            override fun onProgress(feed: String, stage: SyncStage, done: ULong, total: ULong) {
                assertEquals("default", feed)
                synchronized(stages) { stages.add(stage) }
            }
        }
        val first = guard.sync(progress).single().outcome!!
        assertEquals(SyncPath.SNAPSHOT, first.path)
        assertEquals(1uL, first.toVersion)
        assertEquals(7uL, first.entries)
        assertTrue(stages.containsAll(listOf(SyncStage.MANIFEST, SyncStage.DOWNLOAD, SyncStage.APPLY)))

        val v = guard.screen("+84 91 234 5678", CallFacts(verification = Verification.NOT_VERIFIED))
        assertEquals(Level.SCAM, v.level)

        val again = guard.syncFeedNamed("default", null)
        assertEquals(SyncPath.UP_TO_DATE, again.path)
        assertEquals(0uL, again.bytesFetched)
        val status = guard.feedStatus()
        assertEquals(1uL, status.version)
        assertEquals(url, status.url)
        // When the publisher signed it: within the last hour (build.sh just built it).
        val published = status.publishedAt!!
        assertTrue(published <= status.syncedAt!! && status.syncedAt!! - published < 3600)
    }

    private fun publish(name: String, csv: String) = publishFeed(dir, name, csv)

    @Test
    fun aNewVersionArrivesAsADeltaAndEqualsAFreshSnapshotSync() = runBlocking {
        val header = "number,category,reports,last_reported,label\n"
        val base = (1..200).joinToString("") { "09000%05d,scam,1,2026-11-01,\n".format(it) }
        // A folder of this test's own, so that it starts at version 1 whatever ran before.
        val folder = "kotlin-delta-${dir.name}"
        val feedUrl = publish(folder, header + base)
        guard.setFeed(feedUrl, listOf(key), allowHttp = true)
        assertEquals(SyncPath.SNAPSHOT, guard.syncFeedNamed("default", null).path)
        assertEquals(Level.UNKNOWN, guard.screen("0987000999", CallFacts(verification = Verification.NOT_VERIFIED)).level)

        publish(folder, header + base + "0987000999,scam,12,,mạo danh công an\n")
        val second = guard.syncFeedNamed("default", null)
        assertEquals(SyncPath.DELTA, second.path)
        assertEquals(2uL, second.toVersion)
        // Exactly the manifest and the delta crossed the wire, not the snapshot.
        val served = File(System.getenv("CANHGIAC_TEST_FEED_ROOT")!!, folder)
        val manifest = File(served, "manifest.json").length()
        val delta = File(served, "delta-1-2.bin").length()
        assertEquals((manifest + delta).toULong(), second.bytesFetched)
        assertTrue(delta < File(served, "snapshot-2.bin").length())
        val v = guard.screen("0987000999", CallFacts(verification = Verification.NOT_VERIFIED))
        assertEquals(Level.SCAM, v.level)

        // A fresh phone gets the same list from the snapshot.
        CallGuard(File(dir, "fresh.db").path, defaultConfig()).use { fresh ->
            fresh.setFeed(feedUrl, listOf(key), allowHttp = true)
            val out = fresh.syncFeedNamed("default", null)
            assertEquals(SyncPath.SNAPSHOT, out.path)
            assertEquals(second.entries, out.entries)
            assertEquals(guard.stats().reportedNumbers, fresh.stats().reportedNumbers)
            assertEquals(v.reasons.first().text.vi, fresh.screen("0987000999", CallFacts(verification = Verification.NOT_VERIFIED)).reasons.first().text.vi)
        }
    }

    @Test
    fun anUpdateOverTheAllowanceWaitsUntilASyncWithoutIt() = runBlocking {
        guard.setFeed(url, listOf(key), allowHttp = true)
        val snapshot = File(System.getenv("CANHGIAC_TEST_FEED_ROOT")!!, "feed").listFiles()!!.single { it.name.startsWith("snapshot-") }.length()
        // As the app's job on mobile data: one byte less than the update needs.
        val waits = guard.sync(null, maxBytesNow = (snapshot - 1).toULong()).single()
        assertEquals(null, waits.error)
        val outcome = waits.outcome!!
        assertEquals(SyncPath.DEFERRED, outcome.path)
        assertEquals(snapshot.toULong(), outcome.deferredBytes)
        assertEquals(0uL, outcome.entries)
        assertEquals(null, guard.feedStatus().version)
        // By name, with exactly what it needs: applied.
        val applied = guard.syncFeedNamed("default", null, maxBytesNow = snapshot.toULong())
        assertEquals(SyncPath.SNAPSHOT, applied.path)
        assertEquals(null, applied.deferredBytes)
        assertEquals(7uL, applied.entries)
    }

    @Test
    fun aFeedSignedByAnotherKeyIsRefusedAndChangesNothing() {
        // The ed25519 base point: a valid key, but not the feed's.
        guard.setFeed(url, listOf("58" + "66".repeat(31)), allowHttp = true)
        val e = assertThrows(CanhGiacException.Feed::class.java) { runBlocking { guard.syncFeedNamed("default", null) } }
        assertTrue(e.message!!.contains("not pinned"))
        // In a sync of every feed the failure is that feed's result, not an exception.
        val all = runBlocking { guard.sync(null) }.single()
        assertEquals("default", all.feed)
        assertEquals(null, all.outcome)
        assertTrue(all.error!!, all.error!!.contains("not pinned"))
        assertEquals(0uL, guard.stats().reportedNumbers)
        assertEquals(null, guard.feedStatus().version)
    }

    /** The CLI as a publisher runs it, on a publisher database in [dir]. */
    private fun publisher(vararg args: String) {
        val p = ProcessBuilder(
            System.getenv("CANHGIAC_CLI")!!, "--db", File(dir, "publisher.db").path,
            "--reporter-key", File(dir, "reporter.key").path, *args,
        )
            .redirectErrorStream(true).start()
        val log = p.inputStream.bufferedReader().readText()
        assertEquals(log, 0, p.waitFor())
    }

    @Test
    fun evidenceAndVerifiedNumbersFromAPublishedInboxReachKotlin() = runBlocking {
        // Five people reported 0912 000 001 over two days (the publisher's
        // confirm_reporters and confirm_hours); three reported 0912 000 002 within
        // minutes this morning, which the list says is not yet a conclusion; a
        // ministry verified a bank's line.
        val today = java.time.LocalDate.now(java.time.ZoneOffset.ofHours(7))
        val inbox = File(dir, "inbox.csv").apply {
            writeText(
                "received_at,sender,to,body\n" +
                    (1..5).joinToString("") {
                        "${today.minusDays(if (it <= 2) 3 else 2)}T09:0$it:00+07:00,090100000$it,156,LD 0912000001 mao danh cong an\n"
                    } +
                    (6..8).joinToString("") { "${today}T06:0$it:00+07:00,090100000$it,156,LD 0912000002 khoa sim\n" },
            )
        }
        val day = today.minusDays(2)
        val verified = File(dir, "verified.csv").apply {
            writeText("number,category,date,label,source_url\n02439362222,verified,$day,Ngân hàng Y (synthetic),\n")
        }
        publisher("reports", "init")
        publisher("reports", "ingest", inbox.path)
        publisher("reports", "add-source", verified.path, "--name", "Bộ (synthetic)", "--official")
        val folder = "kotlin-evidence-${dir.name}"
        val out = File(System.getenv("CANHGIAC_TEST_FEED_ROOT")!!, folder)
        publisher("publish", "--key", System.getenv("CANHGIAC_TEST_FEED_SECRET")!!, "--out", out.path)
        val feedUrl = url.replace("/feed/", "/$folder/")
        val facts = CallFacts(verification = Verification.NOT_VERIFIED)

        guard.setFeed(feedUrl, listOf(key), allowHttp = true)
        assertEquals(null, guard.sync(null).single().error)
        val scam = guard.screen("0912000001", facts)
        assertEquals(Level.SCAM, scam.level)
        assertEquals(5u, scam.report!!.reporters)
        val burst = guard.screen("0912000002", facts)
        assertEquals(Level.SUSPICIOUS, burst.level)
        assertEquals(Category.SUSPICIOUS, burst.report!!.category)
        assertEquals(ReasonCode.REPORTED_BURST, burst.reasons[0].code)
        // Not allowed to verify: the bank's line is nothing, and the status says one was ignored.
        assertEquals(Level.UNKNOWN, guard.screen("02439362222", facts).level)
        assertEquals(1uL, guard.feedStatus().ignoredVerified)
        // Allowed (the app asks the user first): safe and named, no new download needed.
        guard.setFeed(feedUrl, listOf(key), allowHttp = true, verifyOrgs = true)
        val bank = guard.screen("02439362222", facts)
        assertEquals(Level.SAFE, bank.level)
        assertEquals(ReasonCode.VERIFIED_ORG, bank.reasons[0].code)
        assertTrue(bank.reasons[0].text.vi.contains("Ngân hàng Y"))
        assertEquals(0uL, guard.feedStatus().ignoredVerified)
        // A user who wants six people before "scam": the same entry is only suspicious now.
        guard.setPolicy(guard.policy().copy(minReporters = 6u))
        val weak = guard.screen("0912000001", facts)
        assertEquals(Level.SUSPICIOUS, weak.level)
        assertTrue(weak.reasons.any { it.code == ReasonCode.FEW_REPORTS })
    }

    @Test
    fun badFeedSettingsAndUnreachableServersAreClearErrors() {
        assertThrows(CanhGiacException.InvalidInput::class.java) { guard.setFeed(url, listOf("not a key")) }
        assertThrows(CanhGiacException.InvalidInput::class.java) { guard.setFeed("ftp://example", listOf(key), allowHttp = true) }
        // Plain http only when asked for explicitly; the app never asks.
        val http = assertThrows(CanhGiacException.InvalidInput::class.java) { guard.setFeed(url, listOf(key)) }
        assertTrue(http.message!!.contains("https://"))
        assertEquals(null, guard.feedStatus().url)
        // No feed: nothing to sync, and the default one by name is a clear error.
        assertEquals(emptyList<Any>(), runBlocking { guard.sync(null) })
        assertThrows(CanhGiacException.InvalidInput::class.java) { runBlocking { guard.syncFeedNamed("default", null) } }
        // Port 9 (discard) on loopback: nothing listens there.
        guard.setFeed("http://127.0.0.1:9/feed/", listOf(key), allowHttp = true)
        assertThrows(CanhGiacException.Network::class.java) { runBlocking { guard.syncFeedNamed("default", null) } }
    }
}
