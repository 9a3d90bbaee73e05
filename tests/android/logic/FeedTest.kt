package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.FeedConfig
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.feedKeys
import vn.canhgiac.app.logic.addFeed
import vn.canhgiac.app.logic.anyFeedReady
import vn.canhgiac.app.logic.syncSummary
import vn.canhgiac.app.logic.waitingBytes
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.progressPercent
import vn.canhgiac.app.logic.progressText
import vn.canhgiac.app.logic.seedShippedFeed
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.FeedSync
import vn.canhgiac.core.SyncOutcome
import vn.canhgiac.core.SyncPath
import vn.canhgiac.core.SyncStage
import vn.canhgiac.core.humanBytes
import java.time.ZoneOffset

class FeedTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun noListAndNoPublisherShipWithTheApp() {
        assertEquals("", FeedConfig.DEFAULT_URL)
        seedShippedFeed(f.guard)
        assertEquals(emptyList<FeedStatus>(), f.guard.feeds())
        assertFalse(anyFeedReady(f.guard.feeds()))
    }

    /** The core keeps a feed only with a name, an https address and a key; the app syncs only feeds the core keeps. */
    @Test
    fun aUserFeedNeedsANameHttpsAndAKey() {
        refusal("Cộng đồng", "http://feed.example", RFC8032_KEY)
        refusal("Cộng đồng", "https://feed.example", "")
        refusal("  ", "https://feed.example", RFC8032_KEY)
        assertFalse(anyFeedReady(f.guard.feeds()))
        val added = addFeed(f.guard, " Cộng đồng ", " https://feed.example ", RFC8032_KEY, verifyOrgs = false)
        assertEquals("Cộng đồng", added.name)
        assertEquals("https://feed.example", added.url)
        assertFalse(added.verifyOrgs)
        assertTrue(anyFeedReady(f.guard.feeds()))
        assertEquals(listOf("k1", "k2"), feedKeys(" k1, k2 k1 ") - FeedConfig.PINNED_PUBLIC_KEYS.toSet())
    }

    /** What SettingsActivity does: the core checks the feed, and keeps nothing it refuses. */
    @Test
    fun theCoreRefusesABadFeedBeforeAnythingIsSaved() {
        val badKey = refusal("A", "https://feed.example", "not-a-key")
        assertTrue(badKey, badKey.contains("64 hexadecimal"))
        assertFalse(badKey, badKey.startsWith("reason="))
        val badUrl = refusal("A", "feed.example", RFC8032_KEY)
        assertTrue(badUrl, badUrl.contains("https://"))
        // The app has no https check of its own: this is the core's refusal, through the bindings.
        val plainHttp = refusal("A", "http://feed.example/", RFC8032_KEY)
        assertTrue(plainHttp, plainHttp.contains("https://"))
        assertEquals(emptyList<FeedStatus>(), f.guard.feeds())
    }

    /** The consent dialog's answer is what the core keeps; the feeds stay in the next process, in the order added. */
    @Test
    fun theFeedsShownAreTheOnesTheCoreKeeps() {
        addFeed(f.guard, "Cộng đồng", "https://feed.example/vn", " $RFC8032_KEY ", verifyOrgs = false)
        addFeed(f.guard, "Bộ", "https://gov.example/vn", RFC8032_KEY, verifyOrgs = true)
        f.reopen()
        val feeds = f.guard.feeds()
        assertEquals(listOf("Cộng đồng", "Bộ"), feeds.map { it.name })
        assertEquals(listOf(false, true), feeds.map { it.verifyOrgs })
        assertEquals(listOf(RFC8032_KEY), feeds[0].publicKeys)
        // Nothing downloaded yet: no entries, no age.
        assertEquals(listOf(0uL, 0uL), feeds.map { it.entries })
        assertTrue(f.guard.removeFeed("Cộng đồng"))
        assertEquals(listOf("Bộ"), f.guard.feeds().map { it.name })
        assertFalse(f.guard.removeFeed("Cộng đồng"))
    }

    /** The main screen's line after a sync of every feed: the ones that failed are named. */
    @Test
    fun aSyncOfEveryFeedNamesTheOnesThatFailed() {
        val ok = SyncOutcome(fromVersion = null, toVersion = 2uL, path = SyncPath.SNAPSHOT, bytesFetched = 10uL, filesFetched = 1uL, entries = 7uL)
        val sum = syncSummary(
            listOf(FeedSync("A", ok, null), FeedSync("B", null, "network"), FeedSync("C", ok.copy(entries = 3uL), null)),
        )
        assertEquals(listOf("A", "C"), sum.updated)
        assertEquals(listOf("B"), sum.failed)
        assertEquals(10uL, sum.entries)
        assertFalse(sum.allUpdated)
        assertTrue(syncSummary(emptyList()).allUpdated)
    }

    /** The status line's "waiting for Wi-Fi": the bytes of every deferred update, null when none waits. */
    @Test
    fun deferredUpdatesAddUpForTheStatusLine() {
        val ok = SyncOutcome(fromVersion = 1uL, toVersion = 2uL, path = SyncPath.DELTA, bytesFetched = 10uL, filesFetched = 1uL, entries = 7uL)
        val waits = ok.copy(path = SyncPath.DEFERRED, bytesFetched = 400uL, deferredBytes = 3_250_586uL)
        assertEquals(null, waitingBytes(listOf(FeedSync("A", ok, null), FeedSync("B", null, "network"))))
        assertEquals(
            3_250_586uL + 1000uL,
            waitingBytes(listOf(FeedSync("A", waits, null), FeedSync("B", ok, null), FeedSync("C", waits.copy(deferredBytes = 1000uL), null))),
        )
        assertEquals("3.1 MB", humanBytes(3_250_586uL))
    }

    /** The core's reason for refusing the feed, as the settings screen shows it. */
    private fun refusal(name: String, url: String, keys: String): String = try {
        addFeed(f.guard, name, url, keys, verifyOrgs = false)
        fail("accepted $name / $url / $keys")
        ""
    } catch (e: CanhGiacException) {
        coreMessage(e)
    }

    @Test
    fun progressIsAPercentOnlyWhenTheTotalIsKnown() {
        assertNull(progressPercent(5u, 0u))
        assertEquals(50, progressPercent(5u, 10u))
        assertEquals(100, progressPercent(12u, 10u))
        assertEquals("Cộng đồng: Đang tải danh sách 50%", progressText("Cộng đồng", SyncStage.DOWNLOAD, 5u, 10u, UiLang.VI))
        assertEquals("Bộ: Checking the version", progressText("Bộ", SyncStage.MANIFEST, 0u, 0u, UiLang.EN))
    }

    @Test
    fun syncTimeIsShownInTheLocalZone() {
        assertNull(formatSyncedAt(null))
        assertEquals("01/01/2026 07:00", formatSyncedAt(1_767_225_600, ZoneOffset.ofHours(7)))
    }

    private companion object {
        /** The public key of RFC 8032's first Ed25519 test vector. */
        const val RFC8032_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    }
}
