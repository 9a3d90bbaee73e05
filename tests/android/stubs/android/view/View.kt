// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.view

import android.content.Context

open class View(context: Context) { // API 1
    open fun setPadding(left: Int, top: Int, right: Int, bottom: Int): Unit = throw RuntimeException("Stub!") // API 1
    open fun setOnClickListener(l: OnClickListener?): Unit = throw RuntimeException("Stub!") // API 1
    open fun setFitsSystemWindows(fitSystemWindows: Boolean): Unit = throw RuntimeException("Stub!") // API 14

    fun interface OnClickListener { // API 1
        fun onClick(v: View) // API 1
    }
}

abstract class ViewGroup(context: Context) : View(context) { // API 1
    open fun addView(child: View): Unit = throw RuntimeException("Stub!") // API 1
}
