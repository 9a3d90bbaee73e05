// Stub of the platform API (no Android SDK here). Signatures mirror core/api/current.txt;
// bodies throw like android.jar's. Only the members the app uses.
package android.widget

import android.content.Context
import android.text.Editable
import android.view.View
import android.view.ViewGroup

open class LinearLayout(context: Context) : ViewGroup(context) { // API 1
    open fun setOrientation(orientation: Int): Unit = throw RuntimeException("Stub!") // API 1

    companion object {
        const val VERTICAL: Int = 1 // API 1
    }
}

open class FrameLayout(context: Context) : ViewGroup(context) // API 1

open class ScrollView(context: Context) : FrameLayout(context) // API 1

open class TextView(context: Context) : View(context) { // API 1
    open fun getText(): CharSequence = throw RuntimeException("Stub!") // API 1
    fun setText(text: CharSequence?): Unit = throw RuntimeException("Stub!") // API 1, final
    fun setHint(hint: CharSequence?): Unit = throw RuntimeException("Stub!") // API 1, final
    open fun setTextSize(size: Float): Unit = throw RuntimeException("Stub!") // API 1
    open fun setTextColor(color: Int): Unit = throw RuntimeException("Stub!") // API 1, @ColorInt
    open fun setTextIsSelectable(selectable: Boolean): Unit = throw RuntimeException("Stub!") // API 11
    open fun setSingleLine(singleLine: Boolean): Unit = throw RuntimeException("Stub!") // API 1
}

open class EditText(context: Context) : TextView(context) { // API 1
    override fun getText(): Editable = throw RuntimeException("Stub!") // API 1
}

open class Button(context: Context) : TextView(context) // API 1

open class Toast(context: Context) { // API 1
    open fun show(): Unit = throw RuntimeException("Stub!") // API 1

    companion object {
        const val LENGTH_LONG: Int = 1 // API 1
        @JvmStatic fun makeText(context: Context, text: CharSequence, duration: Int): Toast = throw RuntimeException("Stub!") // API 1
    }
}
