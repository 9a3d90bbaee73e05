#!/usr/bin/env bash
# The Android app's path through JNA, for ./build.sh bench: CallGuard.screen from Kotlin on the
# JVM against the phone's library (profile phone) on 1,000,000 numbers, and the cold path in 15 new JVMs.
# Usage: bench.sh <rust p50 µs> <rust p99 µs>     (the Rust-only figures of the same run)
# Needs: KOTLINC KLIB JNA_JAR BINDINGS_JAR LIB_DIR (the phone library's folder) OUT
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
COROUTINES=$KLIB/kotlinx-coroutines-core-jvm.jar
CP="$BINDINGS_JAR:$JNA_JAR:$COROUTINES"
"$KOTLINC" -nowarn -jvm-target 17 -d "$OUT/jna-bench.jar" -classpath "$CP" "$HERE/bench/JnaBench.kt"
rm -rf "$OUT/store"
# The JVM the app's tests use (java on PATH): what a desktop developer runs.
java -Xmx3g -Djna.library.path="$LIB_DIR" -cp "$OUT/jna-bench.jar:$CP:$KLIB/kotlin-stdlib.jar" \
    vn.canhgiac.tests.bench.JnaBenchKt warm "$OUT/store" "${1:-}" "${2:-}"
rm -rf "$OUT/store"
