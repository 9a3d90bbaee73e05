// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.graphics.drawable

class Icon private constructor() { // API 23
    companion object {
        @JvmStatic fun createWithResource(context: android.content.Context, resId: Int): Icon = throw RuntimeException("Stub!") // API 23
    }
}
