// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.os

open class Build { // API 1
    open class VERSION { // API 4
        companion object {
            @JvmField val SDK_INT: Int = throw RuntimeException("Stub!") // API 4 (not a compile-time constant)
        }
    }

    open class VERSION_CODES { // API 4
        companion object {
            const val UPSIDE_DOWN_CAKE: Int = 34 // API 34 (used by the uniffi bindings generated with android = true)
        }
    }
}

class Bundle // API 1; only passed through (Activity.onCreate)

interface IBinder // API 1; only the return type of Service.onBind
