// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.content.res

open class Resources { // API 1
    open fun getDisplayMetrics(): android.util.DisplayMetrics = throw RuntimeException("Stub!") // API 1
    open fun getQuantityString(id: Int, quantity: Int, vararg formatArgs: Any): String = throw RuntimeException("Stub!") // API 1, @NonNull
}
