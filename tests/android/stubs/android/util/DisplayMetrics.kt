// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.util

class DisplayMetrics { // API 1
    @JvmField var density: Float = 0f // API 1
}
