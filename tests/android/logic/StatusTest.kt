package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.canhgiac.app.logic.AgeUnit
import vn.canhgiac.app.logic.ListAge
import vn.canhgiac.app.logic.ListState
import vn.canhgiac.app.logic.Recovery
import vn.canhgiac.app.logic.dailyRunAgainSoon
import vn.canhgiac.app.logic.healthFindings
import vn.canhgiac.app.logic.lastSynced
import vn.canhgiac.app.logic.listAge
import vn.canhgiac.app.logic.listState
import vn.canhgiac.app.logic.recoveryNotes
import vn.canhgiac.core.FeedStatus
import vn.canhgiac.core.Health
import java.io.File

/** The main screen's list status (age, out of date, what the core repaired) and the daily job's check. */
class StatusTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    @Test
    fun theListsAgeIsSaidInItsLargestWholeUnit() {
        val published = 1_767_225_600L
        fun age(seconds: Long) = listAge(published, published + seconds)
        assertNull(listAge(null, published))
        assertEquals(ListAge(AgeUnit.NOW, 0), age(0))
        assertEquals(ListAge(AgeUnit.NOW, 0), age(59))
        // A phone clock behind the publisher's: "just now", never a negative age.
        assertEquals(ListAge(AgeUnit.NOW, 0), age(-3_600))
        assertEquals(ListAge(AgeUnit.MINUTES, 1), age(60))
        assertEquals(ListAge(AgeUnit.MINUTES, 59), age(3_599))
        assertEquals(ListAge(AgeUnit.HOURS, 1), age(3_600))
        assertEquals(ListAge(AgeUnit.HOURS, 23), age(86_399))
        assertEquals(ListAge(AgeUnit.DAYS, 1), age(86_400))
        assertEquals(ListAge(AgeUnit.DAYS, 3), age(3 * 86_400 + 5 * 3_600))
        assertEquals(ListAge(AgeUnit.DAYS, Int.MAX_VALUE), listAge(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2))
    }

    /** The age runs from when the publisher signed the list, not from the last check; "out of date" is the core's. */
    @Test
    fun theMainScreenShowsTheAgeFromPublicationAndTheCoresExpiry() {
        // No list ever applied: no age, no warning.
        assertEquals(ListState(null, false), listState(f.guard.feedStatus(), 1_767_225_600))

        val published = 1_767_225_600L
        val now = published + 8 * 86_400
        val stuck = FeedStatus(
            url = "https://feed.example/vn",
            publicKeys = emptyList(),
            version = 3uL,
            syncedAt = now - 60, // checked a minute ago: a mirror serving the same old version
            publishedAt = published,
            expiresAt = published + 7 * 86_400,
            expired = true,
        )
        assertEquals(ListState(ListAge(AgeUnit.DAYS, 8), true), listState(stuck, now))
        assertEquals(ListState(ListAge(AgeUnit.DAYS, 8), false), listState(stuck.copy(expired = false), now))

        // Several lists on the main screen: the oldest one's age, out of date when any is.
        val fresh = stuck.copy(name = "fresh", publishedAt = now - 3_600, syncedAt = now - 30, expired = false)
        val never = stuck.copy(name = "new", publishedAt = null, syncedAt = null, version = null, expired = false)
        assertEquals(ListState(ListAge(AgeUnit.DAYS, 8), true), listState(listOf(fresh, stuck, never), now))
        assertEquals(ListState(ListAge(AgeUnit.HOURS, 1), false), listState(listOf(fresh, never), now))
        assertEquals(ListState(null, false), listState(emptyList(), now))
        assertEquals(now - 60, lastSynced(listOf(fresh, stuck, never)))
        assertNull(lastSynced(listOf(never)))
    }

    @Test
    fun recoveryNotesSayWhatTheCoreRepaired() {
        assertEquals(emptyList<Recovery>(), recoveryNotes(null, null, null))
        assertEquals(listOf(Recovery.USER_DATA_LOST), recoveryNotes("/d/cg.db.corrupt-1", null, null))
        assertEquals(listOf(Recovery.USER_DATA_RESTORED), recoveryNotes("/d/cg.db.corrupt-1", "/d/cg.db.backup.json", null))
        assertEquals(
            listOf(Recovery.USER_DATA_RESTORED, Recovery.LIST_SET_ASIDE),
            recoveryNotes("/d/cg.db.corrupt-1", "/d/cg.db.backup.json", "/d/cg.list.db.corrupt-1"),
        )
        assertEquals(listOf(Recovery.LIST_SET_ASIDE), recoveryNotes(null, null, "/d/cg.list.db.corrupt-1"))
        assertEquals(emptyList<Recovery>(), recoveryNotes(f.guard))
    }

    /** A damaged user's file, with and without the backup the core keeps beside it, as the next start finds it. */
    @Test
    fun aDamagedUsersFileIsNotedAsRecoveredOrLost() {
        f.guard.block("0987654321")
        val backup = File(f.dir, "cg.db.backup.json")
        var kept = ByteArray(0)
        f.reopen {
            damage(f.userFile)
            kept = backup.readBytes()
            backup.delete()
        }
        assertEquals(listOf(Recovery.USER_DATA_LOST), recoveryNotes(f.guard))
        assertEquals(0uL, f.guard.stats().blocked)

        f.reopen {
            damage(f.userFile)
            backup.writeBytes(kept)
        }
        assertEquals(listOf(Recovery.USER_DATA_RESTORED), recoveryNotes(f.guard))
        assertEquals(1uL, f.guard.stats().blocked)
    }

    @Test
    fun aDamagedListFileIsNotedAsSetAside() {
        f.guard.allow("0987654321")
        f.reopen { damage(f.listFile) }
        assertEquals(listOf(Recovery.LIST_SET_ASIDE), recoveryNotes(f.guard))
        assertNotNull(f.guard.listRecoveredFrom())
        // The user's own list is intact, and so are the imports (copied back from the user's file).
        assertEquals(1uL, f.guard.stats().allowed)
        assertEquals(3uL, f.guard.stats().reportedNumbers)
    }

    /** The daily job's log lines: fixed sentences, never the path (it holds a time) nor any number. */
    @Test
    fun theDailyCheckLogsWhatItFoundWithoutANumber() {
        val sound = f.guard.checkHealth()
        assertTrue(sound.userFileSound && sound.listSound)
        assertEquals(emptyList<String>(), healthFindings(sound))

        val found = healthFindings(Health(userFileSound = false, listSound = false, listMovedTo = "${f.dir}/cg.list.db.corrupt-1767225600"))
        assertEquals(2, found.size)
        for (line in found) {
            assertFalse(line, line.any { it.isDigit() })
            assertFalse(line, line.contains(f.dir.path))
        }
        assertEquals(1, healthFindings(Health(userFileSound = true, listSound = false, listMovedTo = "/x")).size)
    }

    @Test
    fun theDailyJobRunsAgainSoonAfterAFailureOrAListSetAside() {
        val sound = Health(userFileSound = true, listSound = true, listMovedTo = null)
        assertFalse(dailyRunAgainSoon(synced = true, health = sound))
        assertFalse(dailyRunAgainSoon(synced = true, health = null)) // the check failed: logged, nothing else
        assertTrue(dailyRunAgainSoon(synced = false, health = sound))
        assertTrue(dailyRunAgainSoon(synced = true, health = sound.copy(listSound = false, listMovedTo = "/x")))
        // A damaged user's file is recovered at the next start, not by another sync.
        assertFalse(dailyRunAgainSoon(synced = true, health = sound.copy(userFileSound = false)))
    }

    /** Keeps the header (and our application id), overwrites every page after it. */
    private fun damage(file: File) {
        val bytes = file.readBytes()
        for (i in 100 until bytes.size) bytes[i] = 0x5a
        file.writeBytes(bytes)
    }
}
