package vn.canhgiac.tests.robolectric

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.os.PersistableBundle
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowNetwork
import org.robolectric.shadows.ShadowNetworkCapabilities
import vn.canhgiac.app.MainActivity
import vn.canhgiac.app.R
import vn.canhgiac.app.SettingsActivity
import vn.canhgiac.app.SyncJob
import vn.canhgiac.app.logic.SyncInterval
import vn.canhgiac.core.humanBytes
import vn.canhgiac.tests.robolectric.Harness.app
import vn.canhgiac.tests.robolectric.Harness.texts
import vn.canhgiac.tests.robolectric.Harness.waitUntil
import java.io.File

/**
 * The list update's schedule and its metered rule, on the real framework's JobScheduler and
 * ConnectivityManager (Robolectric's shadows), against the real core syncing the feed that
 * `./build.sh test` serves with nginx.
 */
@RunWith(RobolectricTestRunner::class)
class SyncJobTest {
    @After
    fun closeCore() = Harness.closeCore()

    private val scheduler get() = app().getSystemService(JobScheduler::class.java)
    private fun periodic() = scheduler.getPendingJob(SyncJob.JOB_ID)!!
    private fun followAFeed() = app().guard.setFeed("https://lists.example.org/feed/", listOf("58" + "66".repeat(31)))

    @Test
    fun theUpdateRunsHourlyOnAnyNetworkByDefaultPersisted() {
        followAFeed()
        SyncJob.configure(app())
        val job = scheduler.allPendingJobs.single()
        assertEquals(SyncJob::class.java.name, job.service.className)
        assertEquals(JobInfo.NETWORK_TYPE_ANY, job.networkType)
        assertTrue(job.isPeriodic)
        assertTrue(job.isPersisted)
        assertEquals(60L * 60 * 1000, job.intervalMillis)
        // The window at the end of each period in which the system may run it.
        assertEquals(15L * 60 * 1000, job.flexMillis)
        // No job once no feed is followed.
        app().guard.clearFeed()
        SyncJob.configure(app())
        assertTrue(scheduler.allPendingJobs.isEmpty())
    }

    @Test
    fun theIntervalSettingReschedulesTheJob() {
        followAFeed()
        for ((interval, minutes) in listOf(SyncInterval.MIN_15 to 15L, SyncInterval.HOURS_6 to 360L, SyncInterval.DAILY to 1440L)) {
            Harness.settings { it.copy(syncInterval = interval) }
            SyncJob.configure(app())
            val job = scheduler.allPendingJobs.single()
            assertEquals(interval.name, minutes * 60_000, job.intervalMillis)
            assertEquals(interval.name, interval.flexMillis, job.flexMillis)
            assertEquals(JobInfo.NETWORK_TYPE_ANY, job.networkType)
        }
    }

    /** The settings screen's buttons, as a person taps them: each tap saved and the job rescheduled. */
    @Test
    fun theSettingsScreenChangesThePeriodAndTheAllowance() {
        followAFeed()
        SyncJob.configure(app())
        val a = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        fun tap(label: String) {
            waitUntil(what = "'$label'") { Harness.buttons(a).any { it.text.toString() == label } }
            Harness.button(a, label).performClick()
        }
        tap("Update the list: every hour")
        waitUntil(what = "the job every 6 hours") { periodic().intervalMillis == 6L * 60 * 60 * 1000 }
        assertEquals(SyncInterval.HOURS_6, app().settings().syncInterval)
        tap("On mobile data: at most 256 KB per update (a bigger one waits for Wi-Fi)")
        waitUntil(what = "the allowance saved") { app().settings().meteredAllowance == 1L shl 20 }
        // Wi-Fi only: the allowance has nothing to do, and is not offered.
        tap("Updates: on any network")
        waitUntil(what = "the job on unmetered networks") { periodic().networkType == JobInfo.NETWORK_TYPE_UNMETERED }
        waitUntil(what = "the screen drawn again") { Harness.buttons(a).any { it.text.toString() == "Updates: on Wi-Fi only" } }
        assertTrue(Harness.buttons(a).none { it.text.toString().startsWith("On mobile data") })
    }

    @Test
    fun wifiOnlySetsAnUnmeteredNetworkAndAnEarlierVersionsJobIsBroughtUpToDate() {
        followAFeed()
        Harness.settings { it.copy(syncUnmeteredOnly = true) }
        SyncJob.configure(app())
        assertEquals(JobInfo.NETWORK_TYPE_UNMETERED, periodic().networkType)

        // An earlier version's job: daily, Wi-Fi only. At the next start it follows the settings
        // (the user's Wi-Fi only kept), and nothing is scheduled where nothing was.
        val daily = JobInfo.Builder(SyncJob.JOB_ID, periodic().service)
            .setRequiredNetworkType(JobInfo.NETWORK_TYPE_UNMETERED)
            .setPeriodic(24L * 60 * 60 * 1000)
            .setPersisted(true)
            .build()
        scheduler.schedule(daily)
        SyncJob.upgrade(app())
        assertEquals(60L * 60 * 1000, periodic().intervalMillis)
        assertEquals(JobInfo.NETWORK_TYPE_UNMETERED, periodic().networkType)
        scheduler.cancelAll()
        SyncJob.upgrade(app())
        assertTrue(scheduler.allPendingJobs.isEmpty())
    }

    /** The feed `./build.sh test` serves (7 entries), followed over plain http as tests may. */
    private fun followTheServedFeed(): Long {
        val url = System.getenv("CANHGIAC_TEST_FEED_URL") ?: error("CANHGIAC_TEST_FEED_URL is not set: run through ./build.sh test")
        app().guard.setFeed(url, listOf(System.getenv("CANHGIAC_TEST_FEED_KEY")!!.trim()), allowHttp = true)
        val snapshot = File(System.getenv("CANHGIAC_TEST_FEED_ROOT")!!, "feed").listFiles()!!.single { it.name.startsWith("snapshot-") }
        return snapshot.length()
    }

    /**
     * The job's network as the system hands it over (JobParameters.getNetwork), with its
     * capabilities known to ConnectivityManager. JobParameters has no public constructor: the
     * system makes it; the test fills the framework's own one by type.
     */
    private fun paramsOn(service: SyncJob, metered: Boolean, netId: Int): JobParameters {
        val network = ShadowNetwork.newInstance(netId)
        val caps = ShadowNetworkCapabilities.newInstance()
        shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
        if (!metered) shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        shadowOf(service.getSystemService(ConnectivityManager::class.java)).setNetworkCapabilities(network, caps)
        val ctor = JobParameters::class.java.declaredConstructors.filter { c -> c.parameterTypes.contains(Network::class.java) }
            .maxBy { it.parameterCount }
        ctor.isAccessible = true
        val args = ctor.parameterTypes.map { t ->
            when (t) {
                Network::class.java -> network
                Int::class.javaPrimitiveType -> SyncJob.JOB_ID
                Boolean::class.javaPrimitiveType -> false
                PersistableBundle::class.java -> PersistableBundle()
                else -> null
            }
        }
        return (ctor.newInstance(*args.toTypedArray()) as JobParameters).also { assertEquals(network, it.network) }
    }

    /** Runs the job as the system would and waits for its jobFinished. */
    private fun run(metered: Boolean, netId: Int) {
        val service = Robolectric.buildService(SyncJob::class.java).create().get()
        assertTrue(service.onStartJob(paramsOn(service, metered, netId)))
        waitUntil(timeoutMs = 20_000, what = "the sync job to finish") { shadowOf(service).isJobFinished }
        service.onDestroy()
    }

    private fun entries() = app().guard.feeds().single().entries

    @Test
    fun onMeteredDataAnUpdateOverTheAllowanceWaitsForWifiAndIsSaid() {
        val needs = followTheServedFeed()
        assertTrue("the served snapshot is bigger than the test's allowance: $needs", needs > 100)
        Harness.settings { it.copy(meteredAllowance = 100) }
        run(metered = true, netId = 21)
        assertEquals(0uL, entries())
        assertEquals(needs.toULong(), app().waitingForWifi())
        val wifi = scheduler.getPendingJob(SyncJob.UNMETERED_JOB_ID)!!
        assertEquals(JobInfo.NETWORK_TYPE_UNMETERED, wifi.networkType)
        assertFalse(wifi.isPeriodic)
        assertEquals(SyncJob::class.java.name, wifi.service.className)

        // The main screen says so.
        val main = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val line = main.getString(R.string.sync_waiting, humanBytes(needs.toULong()))
        waitUntil(what = "the waiting line") { texts(main).contains(line) }

        // Wi-Fi comes: the same job, no allowance, the list arrives and nothing waits.
        run(metered = false, netId = 22)
        assertEquals(7uL, entries())
        assertNull(app().waitingForWifi())
    }

    @Test
    fun onMeteredDataAnUpdateWithinTheAllowanceIsApplied() {
        followTheServedFeed()
        run(metered = true, netId = 23)
        assertEquals(7uL, entries())
        assertNull(app().waitingForWifi())
        assertNull(scheduler.getPendingJob(SyncJob.UNMETERED_JOB_ID))
    }
}
