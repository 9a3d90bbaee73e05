package vn.canhgiac.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent

/** "Tin cậy số này" on a notice: the number goes on the allow list. */
class ActionReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.getAction() != ACTION_TRUST) return
        val number = intent.getStringExtra(EXTRA_NUMBER) ?: return
        val app = CanhGiacApp.of(context)
        val pending = goAsync()
        Thread {
            try {
                runCatching { app.guard.allow(number) }
                Notices.cancel(context, intent.getIntExtra(EXTRA_NOTICE_ID, 0))
            } finally {
                pending.finish()
            }
        }.start()
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
