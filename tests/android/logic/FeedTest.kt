package vn.canhgiac.tests.android

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.FeedConfig
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.feedKeys
import vn.canhgiac.app.logic.feedReady
import vn.canhgiac.app.logic.feedUrl
import vn.canhgiac.app.logic.formatSyncedAt
import vn.canhgiac.app.logic.progressPercent
import vn.canhgiac.app.logic.progressText
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
}
