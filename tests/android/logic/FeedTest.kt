package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.FeedChange
import vn.canhgiac.app.logic.FeedConfig
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.feedKeys
import vn.canhgiac.app.logic.feedReady
import vn.canhgiac.app.logic.feedFields
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.progressPercent
import vn.canhgiac.app.logic.progressText
import vn.canhgiac.app.logic.saveFeed
import vn.canhgiac.app.logic.seedShippedFeed
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.SyncStage
import java.time.ZoneOffset

class FeedTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun noListAndNoPublisherShipWithTheApp() {
        assertEquals("", FeedConfig.DEFAULT_URL)
        seedShippedFeed(f.guard)
        assertNull(f.guard.feedStatus().url)
        assertFalse(feedReady(f.guard.feedStatus()))
        assertEquals("" to "", feedFields(f.guard.feedStatus()))
    }

    /** The core keeps a feed only with an https address and a key; the app syncs only a feed the core keeps. */
    @Test
    fun aUserFeedNeedsHttpsAndAKey() {
        refusal("http://feed.example", RFC8032_KEY)
        assertFalse(feedReady(f.guard.feedStatus()))
        refusal("https://feed.example", "")
        assertFalse(feedReady(f.guard.feedStatus()))
        assertEquals(FeedChange.SAVED, saveFeed(f.guard, " https://feed.example ", RFC8032_KEY))
        assertTrue(feedReady(f.guard.feedStatus()))
        assertEquals(listOf("k1", "k2"), feedKeys(" k1, k2 k1 ") - FeedConfig.PINNED_PUBLIC_KEYS.toSet())
    }

    /** What SettingsActivity does: the core checks the feed, and keeps nothing it refuses. */
    @Test
    fun theCoreRefusesABadFeedBeforeAnythingIsSaved() {
        val badKey = refusal("https://feed.example", "not-a-key")
        assertTrue(badKey, badKey.contains("64 hexadecimal"))
        assertFalse(badKey, badKey.startsWith("reason="))
        val badUrl = refusal("feed.example", RFC8032_KEY)
        assertTrue(badUrl, badUrl.contains("https://"))
        // The app has no https check of its own: this is the core's refusal, through the bindings.
        val plainHttp = refusal("http://feed.example/", RFC8032_KEY)
        assertTrue(plainHttp, plainHttp.contains("https://"))
        assertNull(f.guard.feedStatus().url)

        assertEquals(FeedChange.SAVED, saveFeed(f.guard, " https://feed.example ", RFC8032_KEY))
        assertEquals("https://feed.example", f.guard.feedStatus().url)
    }

    /** The settings screen's emptied address, saved: the core forgets the feed (clearFeed), also in the next process. */
    @Test
    fun anEmptiedAddressForgetsTheFeed() {
        saveFeed(f.guard, "https://feed.example/vn", RFC8032_KEY)
        assertTrue(feedReady(f.guard.feedStatus()))
        assertEquals(FeedChange.CLEARED, saveFeed(f.guard, "  ", RFC8032_KEY))
        assertNull(f.guard.feedStatus().url)
        assertEquals(emptyList<String>(), f.guard.feedStatus().publicKeys)
        assertFalse(feedReady(f.guard.feedStatus())) // the daily job is cancelled
        f.reopen()
        assertEquals("" to "", feedFields(f.guard.feedStatus()))
        // Clearing what is already clear is no error.
        assertEquals(FeedChange.CLEARED, saveFeed(f.guard, "", ""))
    }

    /** The settings screen shows the feed the core keeps, also in the next process, as it can be saved again. */
    @Test
    fun theFeedShownIsTheOneTheCoreKeeps() {
        saveFeed(f.guard, "https://feed.example/vn", " $RFC8032_KEY ")
        f.reopen()
        val (url, keys) = feedFields(f.guard.feedStatus())
        assertEquals("https://feed.example/vn", url)
        assertEquals(RFC8032_KEY, keys)
        assertEquals(FeedChange.SAVED, saveFeed(f.guard, url, keys))
        assertEquals(listOf(RFC8032_KEY), f.guard.feedStatus().publicKeys)
    }

    /** The core's reason for refusing [url] and [keys], as the settings screen shows it. */
    private fun refusal(url: String, keys: String): String = try {
        saveFeed(f.guard, url, keys)
        fail("accepted $url / $keys")
        ""
    } catch (e: CanhGiacException) {
        coreMessage(e)
    }

    @Test
    fun progressIsAPercentOnlyWhenTheTotalIsKnown() {
        assertNull(progressPercent(5u, 0u))
        assertEquals(50, progressPercent(5u, 10u))
        assertEquals(100, progressPercent(12u, 10u))
        assertEquals("Đang tải danh sách 50%", progressText(SyncStage.DOWNLOAD, 5u, 10u, UiLang.VI))
        assertEquals("Checking the version", progressText(SyncStage.MANIFEST, 0u, 0u, UiLang.EN))
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
