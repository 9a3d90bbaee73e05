// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.content.pm

abstract class PackageManager { // API 1
    companion object {
        const val PERMISSION_GRANTED: Int = 0 // API 1
    }
}
