package vn.canhgiac.app

/** What the app does and what it never does with the user's data. */
class AboutActivity : CoreActivity() {
    override fun refresh() = show(R.string.about_title) {
        text(getString(R.string.about_what))
        text(getString(R.string.about_privacy))
        text(getString(R.string.about_report))
        text(getString(R.string.about_overlay))
    }
}
