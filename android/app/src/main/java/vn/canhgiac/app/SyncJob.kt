package vn.canhgiac.app

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.launch
import vn.canhgiac.app.logic.FeedConfig
import vn.canhgiac.app.logic.dailyRunAgainSoon
import vn.canhgiac.app.logic.anyFeedReady
import vn.canhgiac.app.logic.healthFindings
import vn.canhgiac.core.*

/**
 * The daily list update, run by the platform's JobScheduler (unmetered network by default),
 * followed by SQLite's check of both files (the core's checkHealth).
 */
class SyncJob : JobService() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO + logUncaught)
    private var running: Job? = null

    override fun onStartJob(params: JobParameters): Boolean {
        val app = CanhGiacApp.of(this)
        running = scope.launch {
            // Every feed, each on its own; one that failed keeps its list and asks for a retry.
            val synced = try {
                val results = app.guard.sync(null)
                results.filter { it.error != null }.forEach { logFinding("the daily sync: a feed failed, its list is unchanged") }
                results.all { it.error == null }
            } catch (e: CancellationException) {
                // onStopJob: the system already counts this run as stopped (and reschedules it).
                throw e
            } catch (e: Exception) {
                logFailure("the daily sync", e)
                false
            }
            val health = checkHealth(app.guard)
            ensureActive() // stopped during the check: the system already rescheduled the run
            // A failed sync is retried with the platform's back-off, the list unchanged meanwhile; so
            // is a list the check set aside, which holds only the user's imports until a sync.
            jobFinished(params, dailyRunAgainSoon(synced, health))
        }
        return true
    }

    /**
     * The core's check of both files, after the sync whatever its outcome: a damaged list is
     * moved aside there and then. What it found goes to the log as fixed sentences (never a
     * number, never a path); null when the check itself failed.
     */
    private fun checkHealth(guard: CallGuard): Health? = try {
        guard.checkHealth().also { h -> healthFindings(h).forEach { logFinding("the daily check: $it") } }
    } catch (e: Exception) {
        logFailure("the daily check", e)
        null
    }

    /** Constraints lost (e.g. Wi-Fi gone) or the system needs the resources: stop, retry later. */
    override fun onStopJob(params: JobParameters): Boolean {
        running?.cancel()
        return true
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    companion object {
        private const val JOB_ID = 156

        /**
         * (Re)schedules the job for the feeds the core keeps, on the network the user chose;
         * cancels it while the core follows no feed. Reads the core: call it off the main thread.
         */
        fun configure(context: Context) {
            val app = CanhGiacApp.of(context)
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            if (!anyFeedReady(app.guard.feeds())) {
                scheduler.cancel(JOB_ID)
                return
            }
            val settings = app.settings()
            val network = if (settings.syncUnmeteredOnly) JobInfo.NETWORK_TYPE_UNMETERED else JobInfo.NETWORK_TYPE_ANY
            val job = JobInfo.Builder(JOB_ID, ComponentName(context, SyncJob::class.java))
                .setRequiredNetworkType(network)
                .setPeriodic(FeedConfig.SYNC_PERIOD_MS)
                .setPersisted(true)
                .build()
            scheduler.schedule(job)
        }
    }
}
