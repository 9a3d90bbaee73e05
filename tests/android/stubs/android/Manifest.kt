// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android

class Manifest {
    class permission {
        companion object {
            const val POST_NOTIFICATIONS: String = "android.permission.POST_NOTIFICATIONS" // API 33
        }
    }
}
