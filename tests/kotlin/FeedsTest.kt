package vn.canhgiac.tests

import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.core.CallFacts
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.Level
import vn.canhgiac.core.SyncPath
import vn.canhgiac.core.SyncProgress
import vn.canhgiac.core.SyncStage
import vn.canhgiac.core.Verification
import vn.canhgiac.core.defaultConfig
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset

/**
 * Several feeds through the real bindings (issue 10): addFeed/feeds/removeFeed, and `sync` of
 * every feed against feeds the CLI builds and nginx serves on loopback (`./build.sh test`).
 */
class FeedsTest {
    private val url = System.getenv("CANHGIAC_TEST_FEED_URL")
        ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test, which starts nginx")
    private val key = System.getenv("CANHGIAC_TEST_FEED_KEY")!!.trim()
    private val dir: File = Files.createTempDirectory("canhgiac-feeds").toFile()
    private val guard = CallGuard(File(dir, "phone.db").path, defaultConfig())
    private val ringing = CallFacts(verification = Verification.NOT_VERIFIED)

    @After
    fun cleanUp() {
        guard.close()
        dir.deleteRecursively()
    }

    private fun publish(name: String, csv: String): String = publishFeed(dir, name, csv)

    /**
     * A second list, its own numbers (synthetic), reported this week by enough people to count;
     * in a folder of this test's own, so that it is at version 1 whatever ran before.
     */
    private fun carrierFeed(): String {
        val day = LocalDate.now(ZoneOffset.ofHours(7)).minusDays(1)
        return publish(
            "kotlin-carrier-${dir.name}",
            "number,category,reports,last_reported,label\n" +
                "0987111222,scam,12,$day,giả danh nhà mạng\n" +
                "0987111333,nuisance,5,$day,quảng cáo\n",
        )
    }

    @Test
    fun feedsAreAddedListedAndRemovedByName() {
        assertEquals(emptyList<Any>(), guard.feeds())
        val added = guard.addFeed(" Cộng đồng ", "https://lists.example.org/feed/", listOf(key.uppercase()))
        assertEquals("Cộng đồng", added.name)
        assertEquals("https://lists.example.org/feed/", added.url)
        assertEquals(listOf(key.lowercase()), added.publicKeys)
        assertFalse(added.verifyOrgs)
        assertNull(added.version)
        assertEquals(0uL, added.entries)
        guard.addFeed("Bộ", "https://gov.example.org/feed/", listOf(key), verifyOrgs = true)
        assertEquals(listOf("Cộng đồng", "Bộ"), guard.feeds().map { it.name })
        assertEquals(listOf(false, true), guard.feeds().map { it.verifyOrgs })
        // The same name changes that feed rather than adding one.
        guard.addFeed("Bộ", "https://gov.example.org/v2/", listOf(key), verifyOrgs = true)
        assertEquals(listOf("https://lists.example.org/feed/", "https://gov.example.org/v2/"), guard.feeds().map { it.url })

        assertTrue(guard.removeFeed("Cộng đồng"))
        assertFalse(guard.removeFeed("Cộng đồng"))
        assertEquals(listOf("Bộ"), guard.feeds().map { it.name })
    }

    @Test
    fun badNamesAddressesAndTooManyFeedsAreRefused() {
        val https = "https://lists.example.org/feed/"
        for (name in listOf("", "   ", "x".repeat(41), "a\u200Bb")) {
            assertThrows(name, CanhGiacException.InvalidInput::class.java) { guard.addFeed(name, https, listOf(key)) }
        }
        guard.addFeed("x".repeat(40), https, listOf(key)) // 40 characters is the most
        // https only, unless plain http is explicitly allowed (tests, a LAN mirror; the app never allows it).
        val http = assertThrows(CanhGiacException.InvalidInput::class.java) { guard.addFeed("A", "http://lists.example.org/", listOf(key)) }
        assertTrue(http.message!!, http.message!!.contains("https://"))
        assertThrows(CanhGiacException.InvalidInput::class.java) { guard.addFeed("A", "ftp://lists.example.org/", listOf(key), allowHttp = true) }
        assertEquals("http://lan.example/", guard.addFeed("LAN", "http://lan.example/", listOf(key), allowHttp = true).url)
        assertThrows(CanhGiacException.InvalidInput::class.java) { guard.addFeed("A", https, emptyList()) }
        assertThrows(CanhGiacException.InvalidInput::class.java) { guard.addFeed("A", https, listOf("not a key")) }
        // At most 8: two so far, six more fit, the ninth is refused; changing one still works.
        for (i in 3..8) guard.addFeed("feed $i", https, listOf(key))
        assertEquals(8, guard.feeds().size)
        val ninth = assertThrows(CanhGiacException.InvalidInput::class.java) { guard.addFeed("feed 9", https, listOf(key)) }
        assertTrue(ninth.message!!, ninth.message!!.contains("8"))
        guard.addFeed("feed 8", "https://other.example/", listOf(key))
        assertEquals(8, guard.feeds().size)
    }

    @Test
    fun everyFeedSyncsWithProgressNamingEachAndTheirEntriesAreKeptApart() = runBlocking {
        guard.addFeed("Cộng đồng", url, listOf(key), allowHttp = true)
        guard.addFeed("Nhà mạng", carrierFeed(), listOf(key), allowHttp = true)
        val seen = mutableListOf<Pair<String, SyncStage>>()
        val progress = object : SyncProgress {
            override fun onProgress(feed: String, stage: SyncStage, done: ULong, total: ULong) {
                synchronized(seen) { seen.add(feed to stage) }
            }
        }
        val results = guard.sync(progress)
        assertEquals(listOf("Cộng đồng", "Nhà mạng"), results.map { it.feed })
        for (r in results) {
            assertNull(r.error)
            assertEquals(SyncPath.SNAPSHOT, r.outcome!!.path)
        }
        assertEquals(listOf(7uL, 2uL), results.map { it.outcome!!.entries })
        // Each feed's progress carries its name, and each went through every stage, one after the other.
        for (name in listOf("Cộng đồng", "Nhà mạng")) {
            val stages = seen.filter { it.first == name }.map { it.second }.toSet()
            assertTrue("$name: $stages", stages.containsAll(listOf(SyncStage.MANIFEST, SyncStage.DOWNLOAD, SyncStage.APPLY)))
        }
        assertTrue(seen.indexOfLast { it.first == "Cộng đồng" } < seen.indexOfFirst { it.first == "Nhà mạng" })

        val feeds = guard.feeds()
        assertEquals(listOf(7uL, 2uL), feeds.map { it.entries })
        for (f in feeds) {
            assertEquals(1uL, f.version)
            assertNotNull(f.publishedAt)
            assertNotNull(f.syncedAt)
            assertFalse(f.expired)
        }
        assertEquals(Level.SCAM, guard.screen("0912345678", ringing).level)
        val carrier = guard.screen("0987111222", ringing)
        assertEquals(Level.SCAM, carrier.level)
        assertEquals("Nhà mạng", carrier.report!!.feed)

        // Removing one feed removes only its entries: the other list and the user's imports stay.
        guard.importCsvBytes("number,category,reports,last_reported,label\n0900555666,scam,9,,\n".toByteArray())
        assertTrue(guard.removeFeed("Nhà mạng"))
        assertEquals(Level.UNKNOWN, guard.screen("0987111222", ringing).level)
        assertEquals(Level.SCAM, guard.screen("0912345678", ringing).level)
        assertEquals(Level.SCAM, guard.screen("0900555666", ringing).level)
        assertEquals(listOf("Cộng đồng" to 7uL), guard.feeds().map { it.name to it.entries })
        // A second sync: the remaining feed is up to date.
        assertEquals(listOf(SyncPath.UP_TO_DATE), guard.sync(null).map { it.outcome!!.path })
    }

    @Test
    fun oneFeedFailingLeavesTheOthersSyncedAndItsOwnListAsItWas() = runBlocking {
        guard.addFeed("Cộng đồng", url, listOf(key), allowHttp = true)
        val carrierUrl = carrierFeed()
        guard.addFeed("Nhà mạng", carrierUrl, listOf(key), allowHttp = true)
        assertTrue(guard.sync(null).all { it.error == null })

        // The carrier's feed now answers from a dead address (port 9: nothing listens), and a
        // third feed is signed by a key the phone did not pin.
        guard.addFeed("Nhà mạng", "http://127.0.0.1:9/feed/", listOf(key), allowHttp = true)
        guard.addFeed("Lạ", url, listOf("58" + "66".repeat(31)), allowHttp = true)
        val results = guard.sync(null)
        assertEquals(listOf("Cộng đồng", "Nhà mạng", "Lạ"), results.map { it.feed })
        assertEquals(SyncPath.UP_TO_DATE, results[0].outcome!!.path)
        assertNull(results[0].error)
        assertNull(results[1].outcome)
        assertNotNull(results[1].error)
        assertNull(results[2].outcome)
        assertTrue(results[2].error!!, results[2].error!!.contains("not pinned"))
        // The failed feed's list is as it was; the unpinned one has nothing.
        assertEquals(Level.SCAM, guard.screen("0987111222", ringing).level)
        assertEquals(listOf(7uL, 2uL, 0uL), guard.feeds().map { it.entries })
        assertEquals(listOf(1uL, 1uL, null), guard.feeds().map { it.version })
        // One feed by name throws what went wrong.
        assertThrows(CanhGiacException.Network::class.java) { runBlocking { guard.syncFeedNamed("Nhà mạng", null) } }
        assertThrows(CanhGiacException.InvalidInput::class.java) { runBlocking { guard.syncFeedNamed("none such", null) } }
        assertEquals(SyncPath.UP_TO_DATE, guard.syncFeedNamed("Cộng đồng", null).path)
    }

    /** The single-feed forms are the feed named "default", and clearFeed takes its entries with it. */
    @Test
    fun theSingleFeedFormsAreTheFeedNamedDefault() = runBlocking {
        guard.setFeed(url, listOf(key), allowHttp = true)
        guard.addFeed("Nhà mạng", carrierFeed(), listOf(key), allowHttp = true)
        assertEquals(listOf("default", "Nhà mạng"), guard.feeds().map { it.name })
        assertTrue(guard.sync(null).all { it.error == null })
        assertEquals(7uL, guard.feedStatus().entries)
        guard.clearFeed()
        assertNull(guard.feedStatus().url)
        assertEquals(Level.UNKNOWN, guard.screen("0912345678", ringing).level)
        assertEquals(Level.SCAM, guard.screen("0987111222", ringing).level)
        assertEquals(listOf("Nhà mạng"), guard.feeds().map { it.name })
    }
}
