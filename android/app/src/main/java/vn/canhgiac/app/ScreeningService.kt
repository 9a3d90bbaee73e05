package vn.canhgiac.app

import android.os.Build
import android.telecom.Call
import android.telecom.CallScreeningService
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import vn.canhgiac.app.logic.ALLOW_FLAGS
import vn.canhgiac.app.logic.AnswerOnce
import vn.canhgiac.app.logic.RESPONSE_BUDGET_MS
import vn.canhgiac.app.logic.ResponseFlags
import vn.canhgiac.app.logic.decide
import vn.canhgiac.app.logic.noticeFor
import vn.canhgiac.app.logic.screeningInput
import vn.canhgiac.app.logic.shouldScreen
import vn.canhgiac.app.logic.withinBudget

/**
 * Android calls this for each call from a number that is not in the contacts.
 * It answers within RESPONSE_BUDGET_MS; when anything fails or is late the call rings.
 */
class ScreeningService : CallScreeningService() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main)

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
                val settings = runCatching { app.settings() }.getOrNull()
                val result = withinBudget(RESPONSE_BUDGET_MS) { app.guard.screen(input.number, input.facts) }
                val decision = decide(result, protectionOn = settings?.protectionOn ?: false)
                answer(callDetails, once, decision.flags)
                val verdict = decision.verdict ?: return@launch
                // After answering: history, then the warning or the report prompt.
                launch(Dispatchers.IO) {
                    runCatching { app.guard.record(verdict) }
                    if (settings?.protectionOn == true) {
                        runCatching { noticeFor(verdict, app.lang())?.let { Notices.show(app, it) } }
                    }
                }
            }
        } catch (e: Exception) {
            answer(callDetails, once, ALLOW_FLAGS)
        }
    }

    private fun answer(details: Call.Details, once: AnswerOnce, flags: ResponseFlags) {
        if (!once.claim()) return
        val response = CallScreeningService.CallResponse.Builder()
            .setDisallowCall(flags.disallowCall)
            .setRejectCall(flags.rejectCall)
            .setSilenceCall(flags.silenceCall)
            .setSkipCallLog(flags.skipCallLog)
            .setSkipNotification(flags.skipNotification)
            .build()
        respondToCall(details, response)
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }
}
