// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.app.job

import android.content.ComponentName

class JobInfo private constructor() { // API 21
    class Builder(jobId: Int, jobService: ComponentName) { // API 21
        fun setRequiredNetworkType(networkType: Int): Builder = throw RuntimeException("Stub!") // API 21
        fun setPeriodic(intervalMillis: Long): Builder = throw RuntimeException("Stub!") // API 21
        // API 21; needs RECEIVE_BOOT_COMPLETED (@RequiresPermission).
        fun setPersisted(isPersisted: Boolean): Builder = throw RuntimeException("Stub!")
        fun build(): JobInfo = throw RuntimeException("Stub!") // API 21
    }

    companion object {
        const val NETWORK_TYPE_ANY: Int = 1 // API 21
        const val NETWORK_TYPE_UNMETERED: Int = 2 // API 21
    }
}

class JobParameters private constructor() // API 21

abstract class JobScheduler { // API 21
    abstract fun schedule(job: JobInfo): Int // API 21
    abstract fun cancel(jobId: Int) // API 21
}

abstract class JobService : android.app.Service() { // API 21
    final override fun onBind(intent: android.content.Intent): android.os.IBinder = throw RuntimeException("Stub!") // API 21, final
    abstract fun onStartJob(params: JobParameters): Boolean // API 21
    abstract fun onStopJob(params: JobParameters): Boolean // API 21
    fun jobFinished(params: JobParameters, wantsReschedule: Boolean): Unit = throw RuntimeException("Stub!") // API 21, final
}
