package vn.canhgiac.app

import android.app.Activity
import android.os.Bundle

/** What the app does and what it never does with the user's data. */
class AboutActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val ui = Column(this)
        ui.heading(getString(R.string.about_title))
        ui.text(getString(R.string.about_what))
        ui.text(getString(R.string.about_privacy))
        ui.text(getString(R.string.about_report))
        ui.show()
    }
}
