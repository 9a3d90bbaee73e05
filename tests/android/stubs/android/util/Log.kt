// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.util

class Log private constructor() { // API 1, final
    companion object {
        @JvmStatic fun w(tag: String?, msg: String): Int = throw RuntimeException("Stub!") // API 1
        @JvmStatic fun e(tag: String?, msg: String): Int = throw RuntimeException("Stub!") // API 1
    }
}
