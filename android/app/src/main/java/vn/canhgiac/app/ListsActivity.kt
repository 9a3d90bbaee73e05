package vn.canhgiac.app

import android.app.Activity
import android.os.Bundle
import android.widget.Toast
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.UserList

/** The user's own allow and block lists. */
class ListsActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        render()
    }

    private fun render() {
        val app = CanhGiacApp.of(this)
        val ui = Column(this)
        ui.heading(getString(R.string.lists_title))
        val input = ui.input(getString(R.string.check_hint))
        ui.button(getString(R.string.action_trust)) { change { app.guard.allow(input.getText().toString()) } }
        ui.button(getString(R.string.add_block)) { change { app.guard.block(input.getText().toString()) } }
        for ((list, title) in listOf(UserList.ALLOW to R.string.allow_list, UserList.BLOCK to R.string.block_list)) {
            ui.heading(getString(title))
            val entries = runCatching { app.guard.list(list) }.getOrDefault(emptyList())
            if (entries.isEmpty()) ui.text(getString(R.string.list_empty))
            for (e in entries) {
                ui.text(e.number)
                ui.button(getString(R.string.remove)) {
                    change { if (list == UserList.ALLOW) app.guard.unallow(e.number) else app.guard.unblock(e.number) }
                }
            }
        }
        ui.show()
    }

    private fun change(edit: () -> Boolean) {
        try {
            edit()
        } catch (e: CanhGiacException.InvalidNumber) {
            Toast.makeText(this, getString(R.string.invalid_number), Toast.LENGTH_LONG).show()
        } catch (e: CanhGiacException) {
            // e.g. an emergency number or a hotline, which can never be blocked
            Toast.makeText(this, getString(R.string.list_change_failed), Toast.LENGTH_LONG).show()
        }
        render()
    }
}
