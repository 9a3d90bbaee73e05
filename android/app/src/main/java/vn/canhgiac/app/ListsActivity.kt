package vn.canhgiac.app

import vn.canhgiac.core.CanhGiacException
import vn.canhgiac.core.ListEntry
import vn.canhgiac.core.UserList

/** The user's own allow and block lists. */
class ListsActivity : CoreActivity() {
    /** Reads both lists off the main thread, then shows them. */
    override fun refresh() {
        io({ UserList.entries.associateWith { app.guard.list(it) } }) { r -> render(r.getOrDefault(emptyMap())) }
    }

    private fun render(lists: Map<UserList, List<ListEntry>>) = show(R.string.lists_title) {
        val input = input(getString(R.string.check_hint))
        button(getString(R.string.action_trust)) { edit { app.guard.allow(input.getText().toString()) } }
        primary(getString(R.string.add_block)) { edit { app.guard.block(input.getText().toString()) } }
        for ((list, title) in listOf(UserList.ALLOW to R.string.allow_list, UserList.BLOCK to R.string.block_list)) {
            heading(getString(title))
            val entries = lists[list].orEmpty()
            if (entries.isEmpty()) text(getString(R.string.list_empty))
            for (e in entries) {
                text(e.number)
                val remove = button(getString(R.string.remove)) {
                    edit { if (list == UserList.ALLOW) app.guard.unallow(e.number) else app.guard.unblock(e.number) }
                }
                // TalkBack says which number a "Remove" button removes.
                remove.setContentDescription(getString(R.string.remove_number, e.number))
            }
        }
    }

    /** One change to a list; then the lists are read again. */
    private fun edit(work: () -> Unit) = change(work) { e ->
        when (e) {
            is CanhGiacException.InvalidNumber -> getString(R.string.invalid_number)
            // e.g. an emergency number or a hotline, which can never be blocked
            else -> getString(R.string.list_change_failed)
        }
    }
}
