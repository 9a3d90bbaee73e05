// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.net

abstract class Uri { // API 1
    // API 1. No annotation in current.txt; null for a relative or opaque-less Uri.
    open fun getScheme(): String? = throw RuntimeException("Stub!")

    // API 1. No annotation in current.txt; treated as nullable (an empty Uri).
    open fun getSchemeSpecificPart(): String? = throw RuntimeException("Stub!")

    companion object {
        @JvmStatic fun parse(uriString: String): Uri = throw RuntimeException("Stub!") // API 1
    }
}
