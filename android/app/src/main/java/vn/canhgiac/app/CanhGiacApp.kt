package vn.canhgiac.app

import android.app.Application
import android.content.Context
import vn.canhgiac.app.logic.AppSettings
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.uiLang
import vn.canhgiac.core.CallGuard
import vn.canhgiac.core.defaultConfig
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import java.io.File
import java.util.Locale

/** Opens the core once per process and keeps the user's settings. */
class CanhGiacApp : Application() {
    /**
     * One CallGuard per process, opened on first use. The database lives in the
     * no-backup folder: history and lists stay on this phone.
     */
    val guard: CallGuard by lazy {
        CallGuard(File(getNoBackupFilesDir(), "canhgiac.db").getPath(), defaultConfig()).also { g ->
            g.setPolicy(settings().toPolicy(g.policy()))
        }
    }

    /**
     * Work that must outlive the component that started it (history and the notice after
     * a screened call, the notice's buttons), off the main thread. A failure in it is logged
     * and never takes the process down.
     */
    val background = CoroutineScope(SupervisorJob() + Dispatchers.IO + logUncaught)

    override fun onCreate() {
        super.onCreate()
        // Open the database before the first call rings, off the main thread.
        background.launch { guard }
        Notices.createChannels(this)
    }

    fun settings(): AppSettings {
        val prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        val keys = AppSettings().toMap().keys
        return AppSettings.fromMap(keys.associateWith { prefs.getString(it, null) })
    }

    /** Saves the settings and hands the new policy to the core. */
    fun saveSettings(s: AppSettings) {
        val editor = getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit()
        for ((k, v) in s.toMap()) editor.putString(k, v)
        editor.apply()
        guard.setPolicy(s.toPolicy(guard.policy()))
    }

    fun lang(): UiLang = settings().uiLang(Locale.getDefault().getLanguage())

    companion object {
        private const val PREFS = "settings"

        fun of(context: Context): CanhGiacApp = context.getApplicationContext() as CanhGiacApp
    }
}
