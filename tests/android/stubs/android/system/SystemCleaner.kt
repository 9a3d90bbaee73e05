// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the uniffi bindings (android = true) use.
package android.system

class SystemCleaner private constructor() { // API 33, final
    companion object {
        @JvmStatic fun cleaner(): java.lang.ref.Cleaner = throw RuntimeException("Stub!") // API 33, @NonNull
    }
}
