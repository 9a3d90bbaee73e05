package vn.canhgiac.app

import android.util.Log
import kotlinx.coroutines.CoroutineExceptionHandler
import vn.canhgiac.app.logic.logText

/** The app's one log tag. */
const val TAG = "CanhGiac"

/**
 * Logs that [what] failed and was handled (the call rang, the screen said so). Never a phone
 * number: see [logText].
 */
fun logFailure(what: String, e: Throwable) {
    Log.w(TAG, "$what failed: ${logText(e)}")
}

/** Logs what a check found: only the app's own fixed sentences go here, never a number. */
fun logFinding(what: String) {
    Log.w(TAG, what)
}

/**
 * The handler of every scope the app starts: a failure nobody caught is logged, and goes no
 * further (reaching the thread's handler would take the process down).
 */
val logUncaught = CoroutineExceptionHandler { _, e -> Log.e(TAG, "uncaught: ${logText(e)}") }
