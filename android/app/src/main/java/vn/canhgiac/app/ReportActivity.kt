package vn.canhgiac.app

import android.app.AlertDialog
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import vn.canhgiac.app.logic.HOTLINE_DIAL_URI
import vn.canhgiac.app.logic.SMS_BODY_EXTRA
import vn.canhgiac.app.logic.buildSmsDraft
import vn.canhgiac.core.ReportKind

/**
 * No screen of its own: builds the report with the core and opens the user's SMS
 * app with it. The user reads it and decides to send; the app holds no SMS permission.
 * Started with [ACTION_CALL_HOTLINE], it opens the dialer on 156 instead.
 */
class ReportActivity : CoreActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val intent = getIntent()
        if (intent.getAction() == ACTION_CALL_HOTLINE) {
            Notices.cancel(this, intent.getIntExtra(EXTRA_NOTICE_ID, 0))
            openDialer(this, newTask = true) { finish() }
            return
        }
        val number = intent.getStringExtra(EXTRA_NUMBER)
        val kind = ReportKind.entries.firstOrNull { it.name == intent.getStringExtra(EXTRA_KIND) } ?: ReportKind.SCAM_CALL
        val content = intent.getStringExtra(EXTRA_CONTENT).orEmpty()
        if (number == null) {
            finish()
            return
        }
        Notices.cancel(this, intent.getIntExtra(EXTRA_NOTICE_ID, 0))
        // The SMS app gets a task of its own: this one is hidden from Recents and ends once it is open.
        openSms(this, number, kind, content, newTask = true) { finish() }
    }

    companion object {
        private const val EXTRA_NUMBER = "number"
        private const val EXTRA_KIND = "kind"
        private const val EXTRA_CONTENT = "content"
        private const val EXTRA_NOTICE_ID = "notice_id"

        /** Its own action, so that the notice's call and SMS buttons stay two PendingIntents. */
        const val ACTION_CALL_HOTLINE = "vn.canhgiac.app.CALL_HOTLINE"

        /** The notice's "Gọi 156": closes the notice, opens the dialer. */
        fun callIntent(context: Context, noticeId: Int = 0): Intent =
            Intent(context, ReportActivity::class.java)
                .setAction(ACTION_CALL_HOTLINE)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
                .putExtra(EXTRA_NOTICE_ID, noticeId)

        /**
         * Opens the dialer on 156 with ACTION_DIAL: no permission, and the person presses call
         * (ACTION_CALL would need CALL_PHONE and call at once). Says so when no dialer exists.
         */
        fun openDialer(activity: CoreActivity, newTask: Boolean = false, then: () -> Unit = {}) {
            val dial = Intent(Intent.ACTION_DIAL, Uri.parse(HOTLINE_DIAL_URI))
            if (newTask) dial.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
            try {
                activity.startActivity(dial)
                then()
            } catch (e: ActivityNotFoundException) {
                val hotline = HOTLINE_DIAL_URI.removePrefix("tel:")
                AlertDialog.Builder(activity)
                    .setTitle(R.string.no_dialer)
                    .setMessage(activity.getString(R.string.no_dialer_body, hotline))
                    .setPositiveButton(R.string.close, null)
                    .setOnDismissListener { then() }
                    .show()
            }
        }

        fun intent(context: Context, number: String, kind: ReportKind, noticeId: Int = 0, content: String = ""): Intent =
            // Started from a notification, outside any activity.
            Intent(context, ReportActivity::class.java)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
                .putExtra(EXTRA_NUMBER, number)
                .putExtra(EXTRA_KIND, kind.name)
                .putExtra(EXTRA_CONTENT, content)
                .putExtra(EXTRA_NOTICE_ID, noticeId)

        /**
         * Builds the report with the core off the main thread, then opens the SMS app with it
         * and runs [then]; says why when it cannot.
         */
        fun openSms(
            activity: CoreActivity,
            number: String,
            kind: ReportKind,
            content: String,
            newTask: Boolean = false,
            then: () -> Unit = {},
        ) {
            val app = activity.app
            val settings = app.settings()
            activity.io({ buildSmsDraft(app.guard, number, kind, settings, content) }) { r ->
                val draft = r.getOrNull()
                if (draft == null) {
                    activity.toast(activity.getString(R.string.report_failed))
                    then()
                    return@io
                }
                val sms = Intent(Intent.ACTION_SENDTO, Uri.parse(draft.uri)).putExtra(SMS_BODY_EXTRA, draft.body)
                if (newTask) sms.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
                try {
                    activity.startActivity(sms)
                    then()
                } catch (e: ActivityNotFoundException) {
                    // Said on screen until the person closes it (a toast would vanish before it is
                    // read), with the report itself, so that it can still be sent some other way.
                    AlertDialog.Builder(activity)
                        .setTitle(R.string.no_sms_app)
                        .setMessage(activity.getString(R.string.no_sms_app_body, draft.uri.removePrefix("smsto:"), draft.body))
                        .setPositiveButton(R.string.close, null)
                        .setOnDismissListener { then() }
                        .show()
                }
            }
        }
    }
}
