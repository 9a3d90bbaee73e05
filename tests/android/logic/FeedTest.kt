package vn.canhgiac.tests.android

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.FeedConfig
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.applyFeed
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.feedKeys
import vn.canhgiac.app.logic.feedReady
import vn.canhgiac.app.logic.feedUrl
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.progressPercent
import vn.canhgiac.app.logic.progressText
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.SyncStage
import java.time.ZoneOffset

class FeedTest {
    @Test
    fun noListAndNoPublisherShipWithTheApp() {
        assertEquals("", FeedConfig.DEFAULT_URL)
        assertNull(feedUrl(AppSettings()))
        assertFalse(feedReady(AppSettings()))
    }

    @Test
    fun aUserFeedNeedsHttpsAndAKey() {
        assertFalse(feedReady(AppSettings(feedUrl = "http://feed.example", feedKey = "k1")))
        assertFalse(feedReady(AppSettings(feedUrl = "https://feed.example")))
        assertTrue(feedReady(AppSettings(feedUrl = " https://feed.example ", feedKey = "k1")))
        assertEquals(listOf("k1", "k2"), feedKeys(AppSettings(feedKey = " k1, k2 k1 ")) - FeedConfig.PINNED_PUBLIC_KEYS.toSet())
    }

    /** What SettingsActivity does before saving the feed: the core checks it, and keeps nothing it refuses. */
    @Test
    fun theCoreRefusesABadFeedBeforeAnythingIsSaved() {
        Fixture().use { f ->
            fun refusal(s: AppSettings): String = try {
                applyFeed(f.guard, s)
                fail("accepted ${s.feedUrl} / ${s.feedKey}")
                ""
            } catch (e: CanhGiacException) {
                coreMessage(e)
            }
            val badKey = refusal(AppSettings(feedUrl = "https://feed.example", feedKey = "not-a-key"))
            assertTrue(badKey, badKey.contains("64 hexadecimal"))
            assertFalse(badKey, badKey.startsWith("reason="))
            val badUrl = refusal(AppSettings(feedUrl = "feed.example", feedKey = RFC8032_KEY))
            assertTrue(badUrl, badUrl.contains("https://"))
            val plainHttp = refusal(AppSettings(feedUrl = "http://feed.example/", feedKey = RFC8032_KEY))
            assertTrue(plainHttp, plainHttp.contains("https://"))
            assertNull(f.guard.feedStatus().url)

            applyFeed(f.guard, AppSettings()) // no address: nothing to check
            assertNull(f.guard.feedStatus().url)
            applyFeed(f.guard, AppSettings(feedUrl = " https://feed.example ", feedKey = RFC8032_KEY))
            assertEquals("https://feed.example", f.guard.feedStatus().url)
        }
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
