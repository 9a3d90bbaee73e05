// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
// RoleManager is in the Permission module's API file, not frameworks/base.
package android.app.role

import android.content.Intent

class RoleManager private constructor() { // API 29
    fun createRequestRoleIntent(roleName: String): Intent = throw RuntimeException("Stub!") // API 29
    fun isRoleAvailable(roleName: String): Boolean = throw RuntimeException("Stub!") // API 29
    fun isRoleHeld(roleName: String): Boolean = throw RuntimeException("Stub!") // API 29

    companion object {
        const val ROLE_CALL_SCREENING: String = "android.app.role.CALL_SCREENING" // API 29
    }
}
