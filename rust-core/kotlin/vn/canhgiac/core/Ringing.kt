package vn.canhgiac.core

// The ringing path's Kotlin half (the Rust half is rust-core/src/api/ringing.rs), compiled with
// the generated bindings: `guard.ring(number, facts)` gives `screen`'s decision while the phone
// rings with nothing crossing the FFI but integers. Through uniffi's JNA bindings each string or
// record is a `RustBuffer` Structure that JNA builds by reflection with native memory to clean,
// about 30 KB of heap per `screen`, and every method call first clones the object's handle with a
// call of its own (a status Structure, ~9 µs on JNA 5.13). `ring` makes no Structure: the guard
// crosses as a token (its `ringingToken`, asked for once) and the status is native memory kept per
// thread. The sentences (title, reasons, advice) come afterwards, off the ringing path, from
// `screen`.

/**
 * `screen`'s verdict in one `Long`, for the answer to the ringing phone: the level, the action,
 * whether the list has the number, and the reasons' codes (most important first). Reading it
 * allocates nothing, except [reasons].
 */
@JvmInline
value class Ring(val bits: Long) {
    val level: Level get() = Level.entries[(bits and 0b111).toInt()]
    val action: Action get() = Action.entries[((bits shr 3) and 0b11).toInt()]

    /** The number is on the reported list (`Verdict.report != null`). */
    val listed: Boolean get() = bits and (1L shl 5) != 0L

    /** The reasons' codes, as `Verdict.reasons` has them (the first 11: no verdict has more). */
    val reasons: List<ReasonCode>
        get() = (0 until RING_REASONS)
            .map { ((bits ushr (6 + 5 * it)) and 0x1f).toInt() }
            .takeWhile { it != 0 }
            .map { ReasonCode.entries[it - 1] }

    override fun toString(): String = "Ring(level=$level, action=$action, listed=$listed, reasons=$reasons)"
}

private const val RING_REASONS = 11

/**
 * Classifies a ringing call, as [CallGuard.screen] does, with the same decision. [number] is
 * null (or `facts.hidden`) for a hidden caller.
 */
@Throws(CanhGiacException::class)
fun CallGuard.ring(number: String?, facts: CallFacts): Ring {
    val packedFacts = (if (facts.inContacts) 1 else 0) or
        (if (facts.hidden) 2 else 0) or
        (facts.verification.ordinal shl 2)
    val caller = if (number == null) 0L else packCaller(number)
    if (number != null && caller == 0L) return Ring(ringWritten(number, packedFacts.toUInt()))
    val bits = RingingLib.call(ringingTokens.getOrPut(this) { ringingToken().toLong() }, caller, packedFacts)
    // As the generated methods answer for a closed object.
    check(bits != RING_CLOSED) { "${javaClass.simpleName} object has already been destroyed" }
    return Ring(bits)
}

/** ring_packed's answer when the token's guard was closed (ringing.rs). */
private const val RING_CLOSED = -1L

/** Each guard's token, asked for on its first ring; a guard no longer used is not kept alive by it. */
private val ringingTokens: MutableMap<CallGuard, Long> = java.util.Collections.synchronizedMap(java.util.WeakHashMap())

/**
 * `ring_packed`'s C function, called without a `Structure`: uniffi's generated call would make
 * a `UniffiRustCallStatus` (two Structures, about 4 KB of heap on JNA 5.13) per call, where a
 * pointer to native memory kept per thread does the same job. It is a function, not a method,
 * so no handle is cloned for it. The layout is uniffi's
 * RustCallStatus (contract version 30, which the generated code checks on load): a status byte,
 * then the error's RustBuffer (capacity, len, data). Errors are lifted as the generated code
 * lifts them; `ringing_path_agrees_with_screen` in tests/kotlin holds the two paths equal.
 */
internal object RingingLib {
    init {
        // The library the generated bindings load (and check), loaded by them first.
        uniffiEnsureInitialized()
        val name = System.getProperty("uniffi.component.canhgiac_core.libraryOverride") ?: "canhgiac_core"
        com.sun.jna.Native.register(RingingLib::class.java, name)
    }

    @JvmStatic
    external fun uniffi_canhgiac_core_fn_func_ring_packed(token: Long, caller: Long, facts: Int, status: com.sun.jna.Pointer): Long

    /** 8-byte status + 24-byte RustBuffer, written by the core on every call. */
    private val status = ThreadLocal.withInitial { com.sun.jna.Memory(32) }

    fun call(token: Long, caller: Long, facts: Int): Long {
        val st = status.get()
        st.setByte(0, UNIFFI_CALL_SUCCESS)
        val bits = uniffi_canhgiac_core_fn_func_ring_packed(token, caller, facts, st)
        val code = st.getByte(0)
        if (code == UNIFFI_CALL_SUCCESS) return bits
        val buf = RustBuffer.create(st.getLong(8).toULong(), st.getLong(16).toULong(), st.getPointer(24))
        throw when (code) {
            UNIFFI_CALL_ERROR -> CanhGiacException.lift(buf)
            else -> InternalException(if (buf.len > 0) FfiConverterString.lift(buf) else "Rust panic")
        }
    }
}

/**
 * [number] in one `Long` when it is `+`, leading zeros and at most 15 further digits (every
 * number Telecom hands over in practice), else 0: bits 0-49 the digits after the zeros, 50-54
 * the zeros, 55 the `+`, 56 set. ringing.rs writes it back exactly as it was written.
 */
internal fun packCaller(number: String): Long {
    var i = 0
    var plus = 0L
    if (number.startsWith('+')) {
        plus = 1L shl 55
        i = 1
    }
    var zeros = 0L
    while (i < number.length && number[i] == '0') {
        zeros++
        i++
    }
    if (number.length - i !in 1..15 || zeros > 31) return 0L
    var digits = 0L
    while (i < number.length) {
        val c = number[i++]
        if (c !in '0'..'9') return 0L
        digits = digits * 10 + (c - '0')
    }
    return (1L shl 56) or plus or (zeros shl 50) or digits
}
