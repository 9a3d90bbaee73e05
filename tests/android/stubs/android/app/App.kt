// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.app

import android.content.Context
import android.content.ContextWrapper
import android.content.Intent
import android.os.Bundle
import android.view.View

// API 1. The platform's chain is Activity : ContextThemeWrapper : ContextWrapper; nothing of the middle is used.
open class Activity : ContextWrapper(null) {
    protected open fun onCreate(savedInstanceState: Bundle?): Unit = throw RuntimeException("Stub!") // API 1
    protected open fun onResume(): Unit = throw RuntimeException("Stub!") // API 1
    protected open fun onDestroy(): Unit = throw RuntimeException("Stub!") // API 1
    protected open fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?): Unit = throw RuntimeException("Stub!") // API 1
    open fun getIntent(): Intent = throw RuntimeException("Stub!") // API 1
    open fun setContentView(view: View): Unit = throw RuntimeException("Stub!") // API 1
    open fun finish(): Unit = throw RuntimeException("Stub!") // API 1
    open fun startActivityForResult(intent: Intent, requestCode: Int): Unit = throw RuntimeException("Stub!") // API 1
    fun requestPermissions(permissions: Array<String>, requestCode: Int): Unit = throw RuntimeException("Stub!") // API 23, final
    fun runOnUiThread(action: Runnable): Unit = throw RuntimeException("Stub!") // API 1, final

    companion object {
        const val RESULT_OK: Int = -1 // API 1, 0xffffffff
    }
}

open class Application : ContextWrapper(null) { // API 1
    open fun onCreate(): Unit = throw RuntimeException("Stub!") // API 1
}

abstract class Service : ContextWrapper(null) { // API 1
    abstract fun onBind(intent: Intent): android.os.IBinder? // API 1, @Nullable return
    open fun onDestroy(): Unit = throw RuntimeException("Stub!") // API 1
}

class PendingIntent private constructor() { // API 1
    companion object {
        const val FLAG_IMMUTABLE: Int = 67108864 // API 23, 0x04000000
        const val FLAG_UPDATE_CURRENT: Int = 134217728 // API 3, 0x08000000

        @JvmStatic fun getActivity(context: Context, requestCode: Int, intent: Intent, flags: Int): PendingIntent = throw RuntimeException("Stub!") // API 1
        @JvmStatic fun getBroadcast(context: Context, requestCode: Int, intent: Intent, flags: Int): PendingIntent = throw RuntimeException("Stub!") // API 1
    }
}

class NotificationChannel(id: String, name: CharSequence, importance: Int) { // API 26
    fun setDescription(description: String?): Unit = throw RuntimeException("Stub!") // API 26
}

open class NotificationManager { // API 1
    fun createNotificationChannel(channel: NotificationChannel): Unit = throw RuntimeException("Stub!") // API 26
    fun notify(id: Int, notification: Notification): Unit = throw RuntimeException("Stub!") // API 1
    fun cancel(id: Int): Unit = throw RuntimeException("Stub!") // API 1

    companion object {
        const val IMPORTANCE_LOW: Int = 2 // API 24
        const val IMPORTANCE_HIGH: Int = 4 // API 24
    }
}

open class Notification { // API 1
    open class Builder(context: Context, channelId: String) { // API 26 (this two-argument constructor)
        fun setSmallIcon(icon: Int): Builder = throw RuntimeException("Stub!") // API 1
        fun setContentTitle(title: CharSequence?): Builder = throw RuntimeException("Stub!") // API 1
        fun setContentText(text: CharSequence?): Builder = throw RuntimeException("Stub!") // API 1
        fun setStyle(style: Style?): Builder = throw RuntimeException("Stub!") // API 16
        fun setCategory(category: String?): Builder = throw RuntimeException("Stub!") // API 21
        fun setAutoCancel(autoCancel: Boolean): Builder = throw RuntimeException("Stub!") // API 1
        fun setContentIntent(intent: PendingIntent?): Builder = throw RuntimeException("Stub!") // API 1
        fun setTimeoutAfter(durationMs: Long): Builder = throw RuntimeException("Stub!") // API 26
        fun addAction(action: Action?): Builder = throw RuntimeException("Stub!") // API 20
        fun build(): Notification = throw RuntimeException("Stub!") // API 16
    }

    abstract class Style // API 16

    open class BigTextStyle : Style() { // API 16
        fun bigText(cText: CharSequence?): BigTextStyle = throw RuntimeException("Stub!") // API 16
    }

    open class Action { // API 19
        class Builder(icon: android.graphics.drawable.Icon?, title: CharSequence?, intent: PendingIntent?) { // API 23
            fun build(): Action = throw RuntimeException("Stub!") // API 20
        }
    }

    companion object {
        const val CATEGORY_CALL: String = "call" // API 21
        const val CATEGORY_RECOMMENDATION: String = "recommendation" // API 21
    }
}
