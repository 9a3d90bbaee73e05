#!/usr/bin/env bash
# Builds android/app/build/outputs/apk/debug/app-debug.apk:
#   1. the core for arm64-v8a and x86_64 with cargo-ndk, into app/src/main/jniLibs, as
#      `./build.sh phone-lib` builds it for the host: profile phone, without the publisher feature;
#   2. the Kotlin bindings (uniffi, android = true) into app/build/generated/uniffi, with
#      their hand-written half from rust-core/kotlin;
#   3. the APK with Gradle (./gradlew when present, else gradle on PATH).
# Needs ANDROID_HOME (SDK with platform 36), ANDROID_NDK_HOME (NDK r27+), cargo-ndk 3+ and JDK 17.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

SDK=${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}
missing=()
if [ -z "$SDK" ] || [ ! -d "$SDK" ]; then
    missing+=("Android SDK: set ANDROID_HOME to an SDK with platform 36")
elif [ ! -d "$SDK/platforms/android-36" ]; then
    missing+=("Android SDK platform 36: sdkmanager \"platforms;android-36\" (compileSdk = 36)")
fi
# cargo-ndk reads ANDROID_NDK_HOME; fall back to the newest NDK installed in the SDK.
if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -n "$SDK" ] && [ -d "$SDK/ndk" ]; then
    NDK_GUESS=$(find "$SDK/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)
    [ -n "$NDK_GUESS" ] && export ANDROID_NDK_HOME=$NDK_GUESS
fi
if [ -z "${ANDROID_NDK_HOME:-}" ] || [ ! -d "${ANDROID_NDK_HOME:-}" ]; then
    missing+=("Android NDK: set ANDROID_NDK_HOME to an NDK r27 or newer (or install one under \$ANDROID_HOME/ndk)")
fi
if ! command -v cargo >/dev/null; then
    missing+=("Rust: cargo is not on PATH")
else
    command -v cargo-ndk >/dev/null || missing+=("cargo-ndk: cargo install cargo-ndk")
    if command -v rustup >/dev/null; then
        installed=$(rustup target list --installed 2>/dev/null || true)
        for t in aarch64-linux-android x86_64-linux-android; do
            grep -qx "$t" <<<"$installed" || missing+=("Rust target $t: rustup target add $t")
        done
    fi
fi
if ! command -v javac >/dev/null; then
    missing+=("JDK 17: javac is not on PATH")
elif ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
    missing+=("JDK 17 or newer: found $(javac -version 2>&1)")
fi
if [ -x "$HERE/gradlew" ]; then
    GRADLE=("$HERE/gradlew")
elif command -v gradle >/dev/null; then
    GRADLE=(gradle)
    # AGP 8.13 needs Gradle 8.13 or newer.
    gv=$(gradle --version 2>/dev/null | sed -n 's/^Gradle \([0-9][0-9.]*\).*/\1/p' | head -n 1)
    if [ -n "$gv" ] && [ "$(printf '%s\n' 8.13 "$gv" | sort -V | head -n 1)" != 8.13 ]; then
        missing+=("Gradle 8.13 or newer: found $gv on PATH")
    fi
else
    missing+=("Gradle 8.13+: no android/gradlew (this repository ships no wrapper jar) and no gradle on PATH")
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "cannot build the APK; missing:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi
export ANDROID_HOME=$SDK

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

JNI=$HERE/app/src/main/jniLibs
GEN=$HERE/app/build/generated/uniffi

say "building the core for arm64-v8a and x86_64 (cargo-ndk, profile phone)"
# The same settings as ./build.sh phone-lib: `-p canhgiac-core` alone keeps
# the CLI's publisher feature out; SQLite's options from
# rust-core/sqlite-phone.flags. The platform is the app's minSdk (29), so the
# NDK's clang links for it and packs relative relocations (RELR, API 28+);
# cargo-ndk's default of 21 would not.
SQLITE_FLAGS=$(grep -v '^#' "$ROOT/rust-core/sqlite-phone.flags" | tr '\n' ' ')
(cd "$ROOT" && LIBSQLITE3_FLAGS=$SQLITE_FLAGS cargo ndk -t arm64-v8a -t x86_64 --platform 29 -o "$JNI" \
    build --profile phone -p canhgiac-core --lib)

# The phone libraries are stripped, and uniffi reads the interface from a
# library's symbol table: the bindings come from the host's debug build of
# the same crate and features, whose interface is the same on every ABI.
say "building uniffi-bindgen and the core (host, debug)"
(cd "$ROOT" && cargo build -q -p canhgiac-core -p uniffi-bindgen)

TARGET=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
say "generating the Android Kotlin bindings"
rm -rf "$GEN"
mkdir -p "$GEN"
(cd "$ROOT" && "$TARGET/debug/uniffi-bindgen" generate "$TARGET/debug/libcanhgiac_core.so" \
    --language kotlin --no-format --config "$HERE/uniffi-android.toml" --out-dir "$GEN" >/dev/null)
grep -q 'android.system.SystemCleaner' "$GEN/vn/canhgiac/core/canhgiac_core.kt" || {
    echo "the bindings were generated without android = true (check android/uniffi-android.toml)" >&2
    exit 1
}
# The bindings' hand-written half (the ringing path's packing), beside the generated file.
cp -r "$ROOT/rust-core/kotlin/." "$GEN/"

say "assembling the APK with ${GRADLE[*]}"
(cd "$HERE" && "${GRADLE[@]}" --no-daemon assembleDebug)

APK=$HERE/app/build/outputs/apk/debug/app-debug.apk
[ -f "$APK" ] || { echo "Gradle finished but $APK is not there" >&2; exit 1; }
say "APK: ${APK#"$ROOT"/}"
