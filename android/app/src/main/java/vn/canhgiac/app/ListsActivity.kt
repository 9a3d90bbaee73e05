package vn.canhgiac.app

import android.os.Bundle
import android.widget.Toast
import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.ListEntry
import vn.canhgiac.core.UserList

/** The user's own allow and block lists. */
class ListsActivity : CoreActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        load()
    }

    /** Reads both lists off the main thread, then shows them. */
    private fun load() {
        val app = CanhGiacApp.of(this)
        io({ UserList.values().associateWith { app.guard.list(it) } }) { r -> render(r.getOrDefault(emptyMap())) }
    }

    private fun render(lists: Map<UserList, List<ListEntry>>) {
        val app = CanhGiacApp.of(this)
        val ui = Column(this)
        ui.heading(getString(R.string.lists_title))
        val input = ui.input(getString(R.string.check_hint))
        ui.button(getString(R.string.action_trust)) { change { app.guard.allow(input.getText().toString()) } }
        ui.button(getString(R.string.add_block)) { change { app.guard.block(input.getText().toString()) } }
        for ((list, title) in listOf(UserList.ALLOW to R.string.allow_list, UserList.BLOCK to R.string.block_list)) {
            ui.heading(getString(title))
            val entries = lists[list].orEmpty()
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

    /** One change to a list, off the main thread; then the lists are read again. */
    private fun change(edit: () -> Boolean) {
        io(edit) { r ->
            when (r.exceptionOrNull()) {
                null -> {}
                is CanhGiacException.InvalidNumber -> Toast.makeText(this, getString(R.string.invalid_number), Toast.LENGTH_LONG).show()
                // e.g. an emergency number or a hotline, which can never be blocked
                else -> Toast.makeText(this, getString(R.string.list_change_failed), Toast.LENGTH_LONG).show()
            }
            load()
        }
    }
}
