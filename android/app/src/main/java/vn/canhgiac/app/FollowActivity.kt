package vn.canhgiac.app

import android.app.AlertDialog
import android.content.Intent
import android.os.Bundle
import vn.canhgiac.app.logic.FollowOffer
import vn.canhgiac.app.logic.LinkProblem
import vn.canhgiac.app.logic.coreMessage
import vn.canhgiac.app.logic.followOffer
import vn.canhgiac.core.FollowLink

/**
 * Opened by a publisher's follow link (`canhgiac://follow?…`, a tap on the desk's page or a
 * scanned QR code). No screen of its own: one dialog over whatever opened the link. The core
 * reads the link; the dialog shows the list's name, address and key fingerprints, and the list
 * is followed only when the person taps Follow; then the app's lists are shown. A refused link
 * says why and follows nothing; a list followed already is said to be, and its keys stay. A
 * link never lets a list verify organisation numbers: that is asked on its own, in Settings.
 */
class FollowActivity : CoreActivity() {
    /** A tap on Follow is being carried out: closing the dialog must not end the screen under it. */
    private var following = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val text = getIntent().getDataString()
        io({ followOffer(app.guard, text) }) { r ->
            r.onSuccess { offer(it) }.onFailure {
                toast(getString(R.string.settings_failed))
                finish()
            }
        }
    }

    private fun offer(offer: FollowOffer) {
        val dialog = AlertDialog.Builder(this).setOnDismissListener { if (!following) finish() }
        when (offer) {
            is FollowOffer.New -> dialog
                .setTitle(R.string.follow_title)
                .setMessage(getString(R.string.follow_body, offer.link.name, offer.link.url, offer.fingerprints.joinToString("\n")))
                .setPositiveButton(R.string.follow_yes) { _, _ -> follow(offer.link) }
                .setNegativeButton(R.string.cancel, null)
            is FollowOffer.Followed -> dialog
                .setTitle(R.string.follow_already_title)
                .setMessage(getString(R.string.follow_already_body, offer.feed.name, offer.feed.url.orEmpty()))
                .setPositiveButton(R.string.follow_show_lists) { _, _ -> showLists() }
                .setNegativeButton(R.string.close, null)
            is FollowOffer.Refused -> dialog
                .setTitle(R.string.follow_refused_title)
                .setMessage(getString(R.string.follow_refused_body, getString(problemText(offer.problem)), offer.reason))
                .setPositiveButton(R.string.close, null)
        }
        dialog.show()
    }

    /** The core follows the list (https only, never verifying organisations); the update job follows the lists. */
    private fun follow(link: FollowLink) {
        following = true
        io({
            val feed = app.guard.followLink(link)
            SyncJob.configure(this)
            feed
        }) { r ->
            r.onSuccess { toast(getString(R.string.feed_added, it.name)) }
                .onFailure { toast(getString(R.string.feed_refused, coreMessage(it))) }
            showLists()
        }
    }

    /** The lists followed are in Settings, in the app's own task (this screen has none of its own). */
    private fun showLists() {
        startActivity(Intent(this, SettingsActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
        finish()
    }

    private fun problemText(p: LinkProblem): Int = when (p) {
        LinkProblem.NOT_HTTPS -> R.string.follow_not_https
        LinkProblem.NEWER_APP -> R.string.follow_newer_app
        LinkProblem.MALFORMED -> R.string.follow_malformed
    }
}
