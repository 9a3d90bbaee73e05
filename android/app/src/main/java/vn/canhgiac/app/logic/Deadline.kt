package vn.canhgiac.app.logic

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.withTimeoutOrNull
import vn.canhgiac.core.Action
import vn.canhgiac.core.Verdict
import java.util.concurrent.atomic.AtomicBoolean

/** Android allows about 5 s to answer a screened call; we answer within 1 s or let it ring. */
const val RESPONSE_BUDGET_MS = 1_000L

sealed class BudgetResult<out T> {
    data class Done<T>(val value: T) : BudgetResult<T>()
    data class Failed(val error: Throwable) : BudgetResult<Nothing>()
    object Late : BudgetResult<Nothing>()
}

/** The same outcome with the value transformed; failure and lateness pass through. */
inline fun <T, R> BudgetResult<T>.map(f: (T) -> R): BudgetResult<R> = when (this) {
    is BudgetResult.Done -> BudgetResult.Done(f(value))
    is BudgetResult.Failed -> this
    BudgetResult.Late -> BudgetResult.Late
}

/**
 * Runs blocking [work] on [dispatcher] and waits at most [budgetMs] for it.
 * The work runs detached: a core call that overruns cannot hold the answer back
 * (a native call cannot be interrupted), and its late result is dropped.
 */
suspend fun <T> withinBudget(
    budgetMs: Long,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
    work: () -> T,
): BudgetResult<T> {
    val job = CoroutineScope(SupervisorJob() + dispatcher).async { runCatching(work) }
    val outcome = withTimeoutOrNull(budgetMs) { job.await() } ?: return BudgetResult.Late
    return outcome.fold({ BudgetResult.Done(it) }, { BudgetResult.Failed(it) })
}

/**
 * What the service does with a call: the flags, and the verdict to record and show (if any):
 * a [Verdict], or the ringing path's `Ring` (`CallGuard.ring`), whose action [decide] is told.
 */
data class Decision<out V>(val action: Action, val flags: ResponseFlags, val verdict: V?)

/**
 * Protection off, failure or lateness all mean: let it ring, as if the app were not there.
 * With protection off the app does nothing at all for the call: no verdict, so nothing goes
 * into history and no notification is shown.
 */
fun <V : Any> decide(result: BudgetResult<V>, protectionOn: Boolean = true, actionOf: (V) -> Action): Decision<V> = when (result) {
    is BudgetResult.Done ->
        if (protectionOn) {
            val action = actionOf(result.value)
            Decision(action, responseFor(action), result.value)
        } else {
            Decision(Action.ALLOW, ALLOW_FLAGS, null)
        }
    is BudgetResult.Failed, BudgetResult.Late -> Decision(Action.ALLOW, ALLOW_FLAGS, null)
}

fun decide(result: BudgetResult<Verdict>, protectionOn: Boolean = true): Decision<Verdict> = decide(result, protectionOn) { it.action }

/** respondToCall must be called exactly once per call; whoever claims this first answers. */
class AnswerOnce {
    private val answered = AtomicBoolean(false)
    fun claim(): Boolean = answered.compareAndSet(false, true)
}
