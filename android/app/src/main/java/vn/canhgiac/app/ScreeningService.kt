package vn.canhgiac.app

import android.os.Build
import android.telecom.Call
import android.telecom.CallScreeningService
import android.util.Log
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.canhgiac.app.logic.ALLOW_FLAGS
import vn.canhgiac.app.logic.AnswerOnce
import vn.canhgiac.app.logic.BudgetResult
import vn.canhgiac.app.logic.RESPONSE_BUDGET_MS
import vn.canhgiac.app.logic.ResponseFlags
import vn.canhgiac.app.logic.decide
import vn.canhgiac.app.logic.map
import vn.canhgiac.app.logic.noticeFor
import vn.canhgiac.app.logic.screeningInput
import vn.canhgiac.app.logic.shouldScreen
import vn.canhgiac.app.logic.withinBudget
import vn.canhgiac.app.logic.UiLang
import vn.canhgiac.app.logic.cardFor
import vn.canhgiac.app.logic.uiLang
import java.util.Locale
import vn.canhgiac.core.ring

/**
 * Android calls this for each call from a number that is not in the contacts.
 * It answers exactly once, within RESPONSE_BUDGET_MS; when anything fails or is
 * late the call rings. The app never overrides the core's verdict: emergency
 * numbers and the 156/5656 hotlines come back `safe`/`allow` whatever the policy.
 */
class ScreeningService : CallScreeningService() {
    // onScreenCall runs on the main thread: Main.immediate starts the coroutine at once.
    // Nothing thrown in it may reach the thread's handler (that would kill the process).
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate + logUncaught)

    override fun onScreenCall(callDetails: Call.Details) {
        val once = AnswerOnce()
        try {
            if (!shouldScreen(callDetails.getCallDirection())) {
                answer(callDetails, once, ALLOW_FLAGS)
                return
            }
            val handle = callDetails.getHandle()
            val verification = if (Build.VERSION.SDK_INT >= 30) callDetails.getCallerNumberVerificationStatus() else null
            val input = screeningInput(handle?.getScheme(), handle?.getSchemeSpecificPart(), callDetails.getHandlePresentation(), verification)
            val app = CanhGiacApp.of(this)
            scope.launch {
                // Everything that can touch the disk (the settings file, the first open of
                // the database) runs off the main thread and inside the budget.
                val decision = runCatching {
                    // The ringing path: the answer needs only the action, which crosses the FFI
                    // as an integer (CallGuard.ring); the sentences are read after answering.
                    val result = withinBudget(RESPONSE_BUDGET_MS) { app.settings() to app.guard.ring(input.number, input.facts) }
                    if (result is BudgetResult.Failed) logFailure("screening", result.error)
                    if (result == BudgetResult.Late) Log.w(TAG, "screening took over $RESPONSE_BUDGET_MS ms; the call rang")
                    val settings = (result as? BudgetResult.Done)?.value?.first
                    settings to decide(result.map { it.second }, settings?.protectionOn == true) { it.action }
                }.onFailure { logFailure("screening", it) }.getOrNull()
                // Also reached when the service is torn down mid-screening (cancellation): the call rings.
                answer(callDetails, once, decision?.second?.flags ?: ALLOW_FLAGS)
                // No verdict when protection is off, or the core failed or was late: nothing to record or show.
                decision?.second?.verdict ?: return@launch
                val lang = decision.first?.uiLang(Locale.getDefault().getLanguage()) ?: UiLang.VI
                // After answering, and in the process-wide scope: Telecom unbinds (and may
                // destroy) this service as soon as it has the answer, which cancels `scope`.
                app.background.launch {
                    // The verdict with its sentences, read now that the call has its answer.
                    val verdict = runCatching { app.guard.screen(input.number, input.facts) }
                        .onFailure { logFailure("screening", it) }.getOrNull() ?: return@launch
                    // The card over the incoming-call screen, on the main thread where windows are
                    // added. Without the permission, or when it cannot be added, the notification
                    // below is the warning.
                    withContext(Dispatchers.Main) {
                        runCatching { cardFor(verdict, lang)?.let { CallCard.show(app, it) } }.onFailure { logFailure("the call card", it) }
                    }
                    runCatching { app.guard.record(verdict) }.onFailure { logFailure("recording the call", it) }
                    runCatching { noticeFor(verdict, app.lang())?.let { Notices.show(app, it) } }
                        .onFailure { logFailure("the notice", it) }
                }
            }
        } catch (e: Exception) {
            logFailure("screening", e)
            answer(callDetails, once, ALLOW_FLAGS)
        }
    }

    private fun answer(details: Call.Details, once: AnswerOnce, flags: ResponseFlags) {
        if (!once.claim()) return
        runCatching {
            val response = CallScreeningService.CallResponse.Builder()
                .setDisallowCall(flags.disallowCall)
                .setRejectCall(flags.rejectCall)
                .setSilenceCall(flags.silenceCall)
                .setSkipCallLog(flags.skipCallLog)
                .setSkipNotification(flags.skipNotification)
                .build()
            respondToCall(details, response)
        }.onFailure { logFailure("answering the call", it) }
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }
}
