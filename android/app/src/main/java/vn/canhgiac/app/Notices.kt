package vn.canhgiac.app

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.graphics.drawable.Icon
import vn.canhgiac.app.logic.Notice
import vn.canhgiac.app.logic.NoticeAction
import vn.canhgiac.app.logic.NoticeKind
import vn.canhgiac.app.logic.noticeId

/** The warning while it rings, and the quiet report prompt. */
object Notices {
    private const val CH_WARNING = "warning"
    private const val CH_PROMPT = "report_prompt"
    private const val PROMPT_TIMEOUT_MS = 6L * 60 * 60 * 1000

    fun createChannels(context: Context) {
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        val warning = NotificationChannel(CH_WARNING, context.getString(R.string.channel_warning), NotificationManager.IMPORTANCE_HIGH)
        warning.setDescription(context.getString(R.string.channel_warning_desc))
        nm.createNotificationChannel(warning)
        val prompt = NotificationChannel(CH_PROMPT, context.getString(R.string.channel_prompt), NotificationManager.IMPORTANCE_LOW)
        prompt.setDescription(context.getString(R.string.channel_prompt_desc))
        nm.createNotificationChannel(prompt)
    }

    fun show(context: Context, notice: Notice) {
        val nm = context.getSystemService(NotificationManager::class.java) ?: return
        val id = noticeId(notice.actionNumber)
        val title = if (notice.number != null) "${notice.title}: ${notice.number}" else notice.title
        val builder = Notification.Builder(context, if (notice.kind == NoticeKind.WARNING) CH_WARNING else CH_PROMPT)
            .setSmallIcon(R.drawable.ic_notify)
            .setContentTitle(title)
            .setContentText(notice.summary)
            .setStyle(Notification.BigTextStyle().bigText(notice.details))
            .setCategory(if (notice.kind == NoticeKind.WARNING) Notification.CATEGORY_CALL else Notification.CATEGORY_RECOMMENDATION)
            .setAutoCancel(true)
            .setContentIntent(PendingIntent.getActivity(context, id, Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK), FLAGS))
        if (notice.kind == NoticeKind.REPORT_PROMPT) builder.setTimeoutAfter(PROMPT_TIMEOUT_MS)
        val number = notice.actionNumber
        if (number != null) {
            for (action in notice.actions) {
                val (label, pending) = when (action) {
                    NoticeAction.REPORT -> context.reportLabel() to PendingIntent.getActivity(
                        context, id, ReportActivity.intent(context, number, notice.reportKind, id), FLAGS,
                    )
                    NoticeAction.CALL -> context.callLabel() to PendingIntent.getActivity(
                        context, id, ReportActivity.callIntent(context, id), FLAGS,
                    )
                    NoticeAction.TRUST -> context.getString(R.string.action_trust) to PendingIntent.getBroadcast(
                        context, id, ActionReceiver.trustIntent(context, number, id), FLAGS,
                    )
                }
                builder.addAction(Notification.Action.Builder(Icon.createWithResource(context, R.drawable.ic_notify), label, pending).build())
            }
        }
        nm.notify(id, builder.build())
    }

    fun cancel(context: Context, id: Int) {
        context.getSystemService(NotificationManager::class.java)?.cancel(id)
    }

    private const val FLAGS = PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT
}
