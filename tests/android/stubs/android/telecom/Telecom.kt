// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.telecom

import android.net.Uri

class Call private constructor() { // API 23
    open class Details private constructor() { // API 23
        // API 23. No annotation in current.txt; null when the network gives no number.
        fun getHandle(): Uri? = throw RuntimeException("Stub!")
        fun getHandlePresentation(): Int = throw RuntimeException("Stub!") // API 23, TelecomManager.PRESENTATION_*
        fun getCallDirection(): Int = throw RuntimeException("Stub!") // API 29
        fun getCallerNumberVerificationStatus(): Int = throw RuntimeException("Stub!") // API 30
    }
}

abstract class CallScreeningService : android.app.Service() { // API 24
    override fun onBind(intent: android.content.Intent): android.os.IBinder = throw RuntimeException("Stub!") // API 24
    abstract fun onScreenCall(callDetails: Call.Details) // API 24, @NonNull
    fun respondToCall(callDetails: Call.Details, response: CallResponse): Unit = throw RuntimeException("Stub!") // API 24, final

    open class CallResponse private constructor() { // API 24
        open class Builder { // API 24
            fun setDisallowCall(shouldDisallowCall: Boolean): Builder = throw RuntimeException("Stub!") // API 24
            fun setRejectCall(shouldRejectCall: Boolean): Builder = throw RuntimeException("Stub!") // API 24
            fun setSilenceCall(shouldSilenceCall: Boolean): Builder = throw RuntimeException("Stub!") // API 29, @NonNull
            fun setSkipCallLog(shouldSkipCallLog: Boolean): Builder = throw RuntimeException("Stub!") // API 24
            fun setSkipNotification(shouldSkipNotification: Boolean): Builder = throw RuntimeException("Stub!") // API 24
            fun build(): CallResponse = throw RuntimeException("Stub!") // API 24
        }
    }
}
