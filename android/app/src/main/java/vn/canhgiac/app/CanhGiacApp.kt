package vn.canhgiac.app

import android.app.Application
import android.content.Context
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.LegacySettings
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.seedShippedFeed
import vn.canhgiac.app.logic.uiLang
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.defaultConfig
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import java.io.File
import java.util.Locale

/**
 * Opens the core once per process and keeps the app's own choices. The core keeps everything
 * it acts on (the policy, the feed): the settings file never holds a copy of them.
 */
open class CanhGiacApp : Application() {
    /** One CallGuard per process, opened on first use. */
    val guard: CallGuard by lazy {
        openGuard().also { g ->
            // Neither may keep the core from opening: a failure is logged and tried again next time.
            runCatching { moveLegacySettings(g) }.onFailure { logFailure("moving the old settings", it) }
            runCatching { seedShippedFeed(g) }.onFailure { logFailure("the shipped feed", it) }
        }
    }

    /**
     * Work that must outlive the component that started it (history and the notice after
     * a screened call, the notice's buttons), off the main thread. A failure in it is logged
     * and never takes the process down.
     */
    val background = CoroutineScope(SupervisorJob() + Dispatchers.IO + logUncaught)

    /**
     * Opens the core on the user's file, in the no-backup folder: history and lists stay on
     * this phone. Open so that the JVM tests can make the first open slow or failing, the way
     * a slow or damaged phone storage would.
     */
    protected open fun openGuard(): CallGuard = CallGuard(File(getNoBackupFilesDir(), DB_FILE).getPath(), defaultConfig())

    override fun onCreate() {
        super.onCreate()
        // Open the database before the first call rings, off the main thread; then bring a
        // list update scheduled by an earlier version up to today's settings.
        background.launch {
            guard
            runCatching { SyncJob.upgrade(this@CanhGiacApp) }.onFailure { logFailure("rescheduling the update", it) }
        }
        Notices.createChannels(this)
    }

    private fun prefs() = getSharedPreferences(PREFS, Context.MODE_PRIVATE)

    fun settings(): AppSettings {
        val prefs = prefs()
        val keys = AppSettings().toMap().keys
        return AppSettings.fromMap(keys.associateWith { prefs.getString(it, null) })
    }

    fun saveSettings(s: AppSettings) {
        val editor = prefs().edit()
        for ((k, v) in s.toMap()) editor.putString(k, v)
        editor.apply()
    }

    /**
     * An earlier version kept the policy (and a copy of the feed) in the settings file: the
     * policy goes to the core, then those keys leave the file.
     */
    private fun moveLegacySettings(g: CallGuard) {
        val prefs = prefs()
        val stored = LegacySettings.KEYS.associateWith { prefs.getString(it, null) }
        if (stored.values.all { it == null }) return
        LegacySettings.policy(stored, g.policy())?.let { g.setPolicy(it) }
        val editor = prefs.edit()
        for (k in LegacySettings.KEYS) editor.remove(k)
        editor.apply()
    }

    /**
     * The bytes the list's update waits for, since a sync on mobile data found it over the
     * allowance; null when nothing waits. Kept beside the settings (it is state, not a choice)
     * for the status line, until a sync on Wi-Fi or a tap on "update now" takes the update.
     */
    fun waitingForWifi(): ULong? = prefs().getString(K_WAITING, null)?.toULongOrNull()

    fun setWaitingForWifi(bytes: ULong?) {
        val editor = prefs().edit()
        if (bytes == null) editor.remove(K_WAITING) else editor.putString(K_WAITING, bytes.toString())
        editor.apply()
    }

    fun lang(): UiLang = settings().uiLang(Locale.getDefault().getLanguage())

    companion object {
        private const val PREFS = "settings"
        private const val K_WAITING = "sync_waiting_bytes"
        const val DB_FILE = "canhgiac.db"

        fun of(context: Context): CanhGiacApp = context.getApplicationContext() as CanhGiacApp
    }
}
