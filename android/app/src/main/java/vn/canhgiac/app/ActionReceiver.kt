package vn.canhgiac.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import kotlinx.coroutines.launch

/** "Tin cậy số này" on a notice: the number goes on the allow list. */
class ActionReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.getAction() != ACTION_TRUST) return
        val number = intent.getStringExtra(EXTRA_NUMBER) ?: return
        val noticeId = intent.getIntExtra(EXTRA_NOTICE_ID, 0)
        val app = CanhGiacApp.of(context)
        // goAsync keeps the broadcast alive after onReceive returns; the work runs in the
        // process-wide scope, off the main thread, and always finishes the broadcast.
        val pending = goAsync()
        app.background.launch {
            try {
                runCatching { app.guard.allow(number) }.onFailure { logFailure("trusting a number", it) }
                Notices.cancel(app, noticeId)
            } finally {
                pending.finish()
            }
        }
    }

    companion object {
        const val ACTION_TRUST = "vn.canhgiac.app.TRUST"
        const val EXTRA_NUMBER = "number"
        const val EXTRA_NOTICE_ID = "notice_id"

        fun trustIntent(context: Context, number: String, noticeId: Int): Intent =
            Intent(context, ActionReceiver::class.java)
                .setAction(ACTION_TRUST)
                .putExtra(EXTRA_NUMBER, number)
                .putExtra(EXTRA_NOTICE_ID, noticeId)
    }
}
