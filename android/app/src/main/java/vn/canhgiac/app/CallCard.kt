package vn.canhgiac.app

import android.content.Context
import android.graphics.PixelFormat
import android.graphics.Typeface
import android.graphics.drawable.GradientDrawable
import android.os.Handler
import android.os.Looper
import android.provider.Settings
import android.util.TypedValue
import android.view.Gravity
import android.view.MotionEvent
import android.view.View
import android.view.ViewConfiguration
import android.view.WindowManager
import android.widget.LinearLayout
import android.widget.TextView
import vn.canhgiac.app.logic.CARD_RING_WINDOW_MS
import vn.canhgiac.app.logic.Card
import kotlin.math.abs

/**
 * The warning where the person is looking: a card over the incoming-call screen, for users who
 * granted "display over other apps" (SYSTEM_ALERT_WINDOW). Not focusable and not touch-modal, so
 * the dialer's answer and decline controls keep working around it.
 *
 * Placement: the top of the card at 30% of the screen's height, across its width. The common
 * dialers (Google's Phone, Samsung's, the AOSP dialer) put the caller's number and name in the
 * top quarter and answer/decline in the bottom third; the band between is theirs to spare. The
 * person can drag the card up or down, and a tap dismisses it. It removes itself after
 * CARD_RING_WINDOW_MS. Everything here runs on the main thread.
 */
object CallCard {
    private val main = Handler(Looper.getMainLooper())
    private var shown: View? = null
    private val expire = Runnable { shown?.let { remove(it.context) } }

    fun permitted(context: Context): Boolean = Settings.canDrawOverlays(context)

    /** Adds the card; false when it may not or could not be added (then the notification is all there is). */
    fun show(context: Context, card: Card): Boolean {
        if (!permitted(context)) return false
        val wm = context.getSystemService(WindowManager::class.java) ?: return false
        remove(context)
        val view = build(context, card)
        val lp = WindowManager.LayoutParams(
            WindowManager.LayoutParams.MATCH_PARENT,
            WindowManager.LayoutParams.WRAP_CONTENT,
            WindowManager.LayoutParams.TYPE_APPLICATION_OVERLAY,
            WindowManager.LayoutParams.FLAG_NOT_FOCUSABLE or WindowManager.LayoutParams.FLAG_NOT_TOUCH_MODAL,
            PixelFormat.TRANSLUCENT,
        )
        lp.gravity = Gravity.TOP
        lp.y = (context.getResources().getDisplayMetrics().heightPixels * 0.30f).toInt()
        // A tap (or TalkBack's double tap) dismisses it; a drag moves it.
        view.setOnClickListener { remove(context) }
        view.setOnTouchListener(Drag(wm, lp))
        return try {
            wm.addView(view, lp)
            shown = view
            main.postDelayed(expire, CARD_RING_WINDOW_MS)
            true
        } catch (e: RuntimeException) {
            // e.g. the permission was withdrawn between the check and the add (BadTokenException).
            logFailure("the call card", e)
            false
        }
    }

    fun remove(context: Context) {
        main.removeCallbacks(expire)
        val view = shown ?: return
        shown = null
        runCatching { context.getSystemService(WindowManager::class.java)?.removeView(view) }
            .onFailure { logFailure("removing the call card", it) }
    }

    private fun build(context: Context, card: Card): View {
        val res = context.getResources()
        val gap = res.getDimensionPixelSize(R.dimen.gap)
        val box = LinearLayout(context)
        box.setOrientation(LinearLayout.VERTICAL)
        box.setPadding(gap * 2, gap * 2, gap * 2, gap * 2)
        val bg = GradientDrawable()
        bg.setColor(context.getColor(R.color.card_background))
        bg.setStroke(gap / 2, context.getColor(levelColors(card.level).first))
        bg.setCornerRadius(gap * 2f)
        box.setBackground(bg)
        // TalkBack reads the card as soon as it appears, over the ringing.
        box.setAccessibilityLiveRegion(View.ACCESSIBILITY_LIVE_REGION_ASSERTIVE)
        fun line(text: CharSequence, dimen: Int, bold: Boolean = false, color: Int = R.color.card_text): TextView {
            val t = TextView(context)
            t.setText(text)
            t.setTextSize(TypedValue.COMPLEX_UNIT_PX, res.getDimension(dimen))
            t.setTextColor(context.getColor(color))
            if (bold) t.setTypeface(Typeface.DEFAULT_BOLD)
            t.setPadding(0, gap / 2, 0, 0)
            box.addView(t)
            return t
        }
        val badge = line(context.label(card.level), R.dimen.text_badge, bold = true, color = levelColors(card.level).second)
        val badgeBg = GradientDrawable()
        badgeBg.setColor(context.getColor(levelColors(card.level).first))
        badgeBg.setCornerRadius(gap.toFloat())
        badge.setBackground(badgeBg)
        badge.setPadding(gap, gap / 2, gap, gap / 2)
        badge.setLayoutParams(LinearLayout.LayoutParams(LinearLayout.LayoutParams.WRAP_CONTENT, LinearLayout.LayoutParams.WRAP_CONTENT))
        line(card.title, R.dimen.text_heading, bold = true)
        card.reason?.let { line(it, R.dimen.text_body) }
        card.advice?.let { line(it, R.dimen.text_body, bold = true) }
        card.number?.let { line(it, R.dimen.text_heading) }
        line(context.getString(R.string.card_dismiss), R.dimen.text_small, color = R.color.card_hint)
        return box
    }

    /** Drags the card up and down; a touch that does not move is a tap, which dismisses it. */
    private class Drag(private val wm: WindowManager, private val lp: WindowManager.LayoutParams) : View.OnTouchListener {
        private var startRaw = 0f
        private var startY = 0
        private var dragging = false

        override fun onTouch(v: View, e: MotionEvent): Boolean {
            when (e.getActionMasked()) {
                MotionEvent.ACTION_DOWN -> {
                    startRaw = e.getRawY()
                    startY = lp.y
                    dragging = false
                }
                MotionEvent.ACTION_MOVE -> {
                    val dy = e.getRawY() - startRaw
                    if (abs(dy) > ViewConfiguration.get(v.getContext()).getScaledTouchSlop()) dragging = true
                    if (dragging) {
                        lp.y = (startY + dy).toInt().coerceAtLeast(0)
                        wm.updateViewLayout(v, lp)
                    }
                }
                MotionEvent.ACTION_UP -> if (!dragging) v.performClick()
            }
            return true
        }
    }
}
