// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.content

import android.content.pm.PackageManager
import android.content.res.Resources
import android.net.Uri
import java.io.File
import java.io.InputStream
import java.io.OutputStream

abstract class Context { // API 1
    // API 1. Abstract in the platform; open here so subclasses need not implement it.
    open fun getApplicationContext(): Context = throw RuntimeException("Stub!")

    open fun getResources(): Resources = throw RuntimeException("Stub!") // API 1

    open fun getSharedPreferences(name: String, mode: Int): SharedPreferences = throw RuntimeException("Stub!") // API 1

    open fun getNoBackupFilesDir(): File = throw RuntimeException("Stub!") // API 21

    // API 1. Abstract in the platform; open here so subclasses need not implement it.
    open fun getContentResolver(): ContentResolver = throw RuntimeException("Stub!")

    fun getString(resId: Int): String = throw RuntimeException("Stub!") // API 1, final

    fun getString(resId: Int, vararg formatArgs: Any): String = throw RuntimeException("Stub!") // API 1, final

    fun <T> getSystemService(serviceClass: Class<T>): T? = throw RuntimeException("Stub!") // API 23, final

    open fun checkSelfPermission(permission: String): Int = throw RuntimeException("Stub!") // API 23

    open fun startActivity(intent: Intent): Unit = throw RuntimeException("Stub!") // API 1

    companion object {
        const val MODE_PRIVATE: Int = 0 // API 1
    }
}

open class ContextWrapper(base: Context?) : Context() // API 1

class ComponentName(pkg: Context, cls: Class<*>) // API 1

open class ActivityNotFoundException : RuntimeException() // API 1

open class Intent { // API 1
    constructor(packageContext: Context, cls: Class<*>) // API 1
    constructor(action: String?) // API 1 (no annotation in current.txt)
    constructor(action: String?, uri: Uri?) // API 1

    open fun setAction(action: String?): Intent = throw RuntimeException("Stub!") // API 1
    open fun addFlags(flags: Int): Intent = throw RuntimeException("Stub!") // API 1, @NonNull
    open fun putExtra(name: String, value: String?): Intent = throw RuntimeException("Stub!") // API 1
    open fun putExtra(name: String, value: Int): Intent = throw RuntimeException("Stub!") // API 1
    open fun addCategory(category: String): Intent = throw RuntimeException("Stub!") // API 1, @NonNull return
    open fun setType(type: String?): Intent = throw RuntimeException("Stub!") // API 1, @NonNull return
    open fun getData(): Uri? = throw RuntimeException("Stub!") // API 1
    open fun getAction(): String? = throw RuntimeException("Stub!") // API 1
    open fun getStringExtra(name: String): String? = throw RuntimeException("Stub!") // API 1
    open fun getIntExtra(name: String, defaultValue: Int): Int = throw RuntimeException("Stub!") // API 1

    companion object {
        const val ACTION_SENDTO: String = "android.intent.action.SENDTO" // API 1
        const val ACTION_CREATE_DOCUMENT: String = "android.intent.action.CREATE_DOCUMENT" // API 19
        const val ACTION_OPEN_DOCUMENT: String = "android.intent.action.OPEN_DOCUMENT" // API 19
        const val CATEGORY_OPENABLE: String = "android.intent.category.OPENABLE" // API 1
        const val EXTRA_TITLE: String = "android.intent.extra.TITLE" // API 1
        const val FLAG_ACTIVITY_NEW_TASK: Int = 268435456 // API 1, 0x10000000
    }
}

// API 1. Both streams: @Nullable (null when the provider recently crashed), final, and they
// throw java.io.FileNotFoundException when the Uri cannot be opened.
abstract class ContentResolver(context: Context?) {
    fun openInputStream(uri: Uri): InputStream? = throw RuntimeException("Stub!") // API 1
    fun openOutputStream(uri: Uri, mode: String): OutputStream? = throw RuntimeException("Stub!") // API 3
}

interface SharedPreferences { // API 1
    fun getString(key: String, defValue: String?): String? // API 1
    fun edit(): Editor // API 1

    interface Editor { // API 1
        fun putString(key: String, value: String?): Editor // API 1
        fun remove(key: String): Editor // API 1
        fun apply() // API 9
    }
}

abstract class BroadcastReceiver { // API 1
    abstract fun onReceive(context: Context, intent: Intent) // API 1
    fun goAsync(): PendingResult = throw RuntimeException("Stub!") // API 11, final

    open class PendingResult { // API 11
        fun finish(): Unit = throw RuntimeException("Stub!") // API 11, final
    }
}
