package vn.canhgiac.app

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.launch
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.dailyRunAgainSoon
import vn.canhgiac.app.logic.anyFeedReady
import vn.canhgiac.app.logic.healthFindings
import vn.canhgiac.app.logic.waitingBytes
import vn.canhgiac.core.*

/**
 * The list update, run by the platform's JobScheduler every hour by default on any network
 * (the user chooses the period, and may ask for Wi-Fi only), followed by SQLite's check of
 * both files (the core's checkHealth). On a metered network the core is given the user's
 * allowance and decides; an update it defers is fetched by a one-off job once an unmetered
 * network comes.
 */
class SyncJob : JobService() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO + logUncaught)
    private var running: Job? = null

    override fun onStartJob(params: JobParameters): Boolean {
        val app = CanhGiacApp.of(this)
        running = scope.launch {
            // Every feed, each on its own; one that failed keeps its list and asks for a retry.
            val synced = try {
                val allowance = app.settings().allowanceOn(metered(params.getNetwork()))
                val results = app.guard.sync(null, allowance)
                results.filter { it.error != null }.forEach { logFinding("the daily sync: a feed failed, its list is unchanged") }
                val waiting = waitingBytes(results)
                app.setWaitingForWifi(waiting)
                if (waiting != null) whenUnmetered(this@SyncJob)
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

    /**
     * Whether the job's own network costs the user (JobParameters.getNetwork, the one the
     * system chose for it): not NET_CAPABILITY_NOT_METERED. Unknown counts as metered: a
     * wrong guess then waits for Wi-Fi rather than spending the user's data.
     */
    private fun metered(network: Network?): Boolean {
        val cm = getSystemService(ConnectivityManager::class.java) ?: return true
        val caps = network?.let { cm.getNetworkCapabilities(it) } ?: return true
        return !caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
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
        const val JOB_ID = 156

        /** The one-off run that fetches an update deferred on mobile data, on Wi-Fi. */
        const val UNMETERED_JOB_ID = 157

        /**
         * (Re)schedules the job for the feeds the core keeps, every period the user chose, on
         * the network they chose; cancels it while the core follows no feed. A job already
         * pending as asked is left alone: scheduling again would restart its period. Reads the
         * core: call it off the main thread.
         */
        fun configure(context: Context) {
            val app = CanhGiacApp.of(context)
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            if (!anyFeedReady(app.guard.feeds())) {
                scheduler.cancel(JOB_ID)
                scheduler.cancel(UNMETERED_JOB_ID)
                app.setWaitingForWifi(null)
                return
            }
            val job = periodic(context, app.settings())
            if (!same(scheduler.getPendingJob(JOB_ID), job)) scheduler.schedule(job)
        }

        /**
         * After an update of the app: a periodic job scheduled by an earlier version (daily,
         * Wi-Fi only) follows today's settings. Only a pending job is changed, never one
         * created or cancelled here: the app starts for every screened call.
         */
        fun upgrade(context: Context) {
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            val pending = scheduler.getPendingJob(JOB_ID) ?: return
            val job = periodic(context, CanhGiacApp.of(context).settings())
            if (!same(pending, job)) scheduler.schedule(job)
        }

        private fun periodic(context: Context, settings: AppSettings): JobInfo {
            val network = if (settings.syncUnmeteredOnly) JobInfo.NETWORK_TYPE_UNMETERED else JobInfo.NETWORK_TYPE_ANY
            return JobInfo.Builder(JOB_ID, ComponentName(context, SyncJob::class.java))
                .setRequiredNetworkType(network)
                .setPeriodic(settings.syncInterval.millis, settings.syncInterval.flexMillis)
                .setPersisted(true)
                .build()
        }

        private fun same(a: JobInfo?, b: JobInfo): Boolean = a != null &&
            a.getNetworkType() == b.getNetworkType() &&
            a.getIntervalMillis() == b.getIntervalMillis() &&
            a.getFlexMillis() == b.getFlexMillis()

        /**
         * Once, on the next unmetered network: the run that takes an update the core deferred
         * on mobile data. Scheduling it again while it waits only replaces it.
         */
        fun whenUnmetered(context: Context) {
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            val job = JobInfo.Builder(UNMETERED_JOB_ID, ComponentName(context, SyncJob::class.java))
                .setRequiredNetworkType(JobInfo.NETWORK_TYPE_UNMETERED)
                .setPersisted(true)
                .build()
            scheduler.schedule(job)
        }
    }
}
