package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.logText
import vn.canhgiac.core.CanhGiacException

class ErrorsTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    /** A log line says what failed in the core's words, and never holds the number involved. */
    @Test
    fun aLogLineNeverHoldsTheNumber() {
        val blocked = try {
            f.guard.block("0912345678 ext")
            fail("a number with letters was blocked")
            null
        } catch (e: CanhGiacException) {
            e
        }!!
        val line = logText(blocked)
        assertTrue(line, line.startsWith(blocked.javaClass.simpleName + ": "))
        assertFalse(line, line.contains("0912345678"))
        assertFalse(line, line.contains("912345678"))

        // Anything but the core's own errors: the class only, since its message may quote a number.
        val other = logText(IllegalStateException("cannot screen 0912345678"))
        assertEquals("java.lang.IllegalStateException", other)
    }
}
