#!/usr/bin/env bash
# The Android app on the real Android framework, on a desktop JVM (no SDK, no AGP, no phone):
#   a. res/ compiled and linked by aapt2 against the framework's resources; R generated; both
#      languages define the same strings and plurals
#   b. every file of android/app/src/main/java compiled against the real framework of the app's
#      targetSdk (android-all-instrumented, API 36) and the REAL generated bindings -> app.jar
#   b2. the Android flavour of the bindings (android = true, what build-android.sh generates)
#      compiled against the same framework
#   b3. every platform member the app's bytecode refers to is on the reviewed list of public
#      API (platform-api.txt) and none is on the framework's own list of hidden members
#   c. the plain-Kotlin logic's JUnit tests, run against the host-built core
#   d. the Robolectric tests (robolectric/*.kt): the app's services, receivers and screens on
#      the API 36 framework, with the app's resources, against the real core through JNA;
#      they also write the screenshots, which are then checked (present, not blank)
# Prints `android: N passed, M failed` (c) and `robolectric: N passed, M failed` (d).
# Needs: KOTLINC KLIB JNA_JAR JUNIT_JAR HAMCREST_JAR BINDINGS_JAR LIB_DIR OUT
# Optional: UNIFFI_BINDGEN, SHOTS (screenshot folder, default build/screenshots),
#           ONLY=screenshots (compile, then run only the screenshot tests).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
APP=$ROOT/android/app/src/main
SHOTS=${SHOTS:-$ROOT/build/screenshots}

for v in KOTLINC KLIB JNA_JAR JUNIT_JAR HAMCREST_JAR BINDINGS_JAR LIB_DIR OUT; do
    [ -n "${!v:-}" ] || { echo "check.sh: $v is not set" >&2; exit 1; }
done
for f in "$KLIB/kotlin-stdlib.jar" "$JNA_JAR" "$JUNIT_JAR" "$HAMCREST_JAR" "$BINDINGS_JAR"; do
    [ -f "$f" ] || { echo "check.sh: missing $f" >&2; exit 1; }
done
[ -f "$LIB_DIR/libcanhgiac_core.so" ] || { echo "check.sh: no libcanhgiac_core.so in $LIB_DIR" >&2; exit 1; }

# shellcheck source=tools.sh
. "$HERE/tools.sh"
android_tools

rm -rf "$OUT"
mkdir -p "$OUT"
kc() { "$KOTLINC" -nowarn -jvm-target 17 "$@"; }

# --- a. resources -------------------------------------------------------------------------
# Both languages must define the same strings and the same plurals (<string> or <plurals>, by $2).
names() { { grep -o "<${2:-string} name=\"[a-z0-9_]*\"" "$1" || true; } | sed 's/.*name="\(.*\)"/\1/' | sort; }
for kind in string plurals; do
    if ! diff <(names "$APP/res/values/strings.xml" $kind) <(names "$APP/res/values-vi/strings.xml" $kind) >"$OUT/strings.diff"; then
        echo "check.sh: values/ and values-vi/ define different $kind resources:" >&2
        cat "$OUT/strings.diff" >&2
        exit 1
    fi
done
# Every plural has the "other" form, the only one Vietnamese has and the fallback of every language.
for f in "$APP/res/values/strings.xml" "$APP/res/values-vi/strings.xml"; do
    if awk '/<plurals /{open=1; other=0} open && /quantity="other"/{other=1} /<\/plurals>/{if (!other) bad=1; open=0} END{exit !bad}' "$f"; then
        echo "check.sh: a <plurals> in $f has no quantity=\"other\" item" >&2
        exit 1
    fi
done

# The manifest as the Android build merges it: the package (AGP's namespace) and the SDK levels
# from app/build.gradle.kts, which the source manifest leaves to Gradle.
gradle=$ROOT/android/app/build.gradle.kts
min_sdk=$(sed -n 's/^ *minSdk = \([0-9]*\).*/\1/p' "$gradle")
target_sdk=$(sed -n 's/^ *targetSdk = \([0-9]*\).*/\1/p' "$gradle")
[ "$target_sdk" = 36 ] || { echo "check.sh: targetSdk is $target_sdk; tools.sh pins the API 36 framework" >&2; exit 1; }
sed "s|<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">|<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"vn.canhgiac.app\" android:versionCode=\"1\" android:versionName=\"0.1.0\">\n    <uses-sdk android:minSdkVersion=\"$min_sdk\" android:targetSdkVersion=\"$target_sdk\" />|" \
    "$APP/AndroidManifest.xml" >"$OUT/AndroidManifest.xml"
grep -q 'package="vn.canhgiac.app"' "$OUT/AndroidManifest.xml" || { echo "check.sh: could not merge the manifest" >&2; exit 1; }
# Linked against Android 10's framework resources (Debian's framework-res.apk, API 29 = minSdk):
# every @android: reference the app makes must exist on the oldest phone it installs on.
"$AAPT2" compile --dir "$APP/res" -o "$OUT/res.zip"
mkdir -p "$OUT/gen"
"$AAPT2" link -o "$OUT/app.ap_" -I "$FRAMEWORK_RES" --manifest "$OUT/AndroidManifest.xml" \
    --java "$OUT/gen" --auto-add-overlay "$OUT/res.zip"
javac -d "$OUT/r" --release 17 "$OUT/gen/vn/canhgiac/app/R.java"
# Robolectric finds the app's manifest and linked resources through this file on the
# classpath, the way the Android Gradle plugin hands them over (binary resources).
mkdir -p "$OUT/config/com/android/tools"
{
    echo "android_merged_manifest=$OUT/AndroidManifest.xml"
    echo "android_resource_apk=$OUT/app.ap_"
    echo "android_custom_package=vn.canhgiac.app"
} >"$OUT/config/com/android/tools/test_config.properties"

# --- b. the app against the real framework ------------------------------------------------
# The tools of b and b3 (apicheck/): the compile view of the framework, and the API check.
ASM=$(tr ':' '\n' <<<"$MAVEN_CP" | grep -E '/asm-9[^/]*\.jar$')
kc -d "$OUT/apicheck.jar" -classpath "$ASM" "$HERE"/apicheck/*.kt
apicheck() { "$JAVA21" -cp "$OUT/apicheck.jar:$ASM:$KLIB/kotlin-stdlib.jar" "vn.canhgiac.tests.apicheck.$1Kt" "${@:2}"; }
COMPILE_JAR=$ANDROID_TOOLS/android-all-$ANDROID_ALL_VERSION-compile.jar
[ -f "$COMPILE_JAR" ] || apicheck CompileView "$ANDROID_ALL" "$COMPILE_JAR"
FRAMEWORK_CP="$COMPILE_JAR:$MAVEN_CP"
mapfile -t SRC < <(find "$APP/java" -name '*.kt' | sort)
kc -d "$OUT/app.jar" -classpath "$OUT/r:$BINDINGS_JAR:$FRAMEWORK_CP" "${SRC[@]}"

# b2. the Android flavour of the bindings (what build-android.sh generates)
BINDGEN=${UNIFFI_BINDGEN:-$ROOT/target/debug/uniffi-bindgen}
if [ -x "$BINDGEN" ]; then
    "$BINDGEN" generate "$LIB_DIR/libcanhgiac_core.so" --language kotlin --no-format \
        --config "$ROOT/android/uniffi-android.toml" --out-dir "$OUT/android-bindings" >/dev/null
    ANDROID_KT=$OUT/android-bindings/vn/canhgiac/core/canhgiac_core.kt
    grep -q 'android.system.SystemCleaner' "$ANDROID_KT" || {
        echo "check.sh: android/uniffi-android.toml did not turn on android = true" >&2
        exit 1
    }
    kc -d "$OUT/android-bindings.jar" -classpath "$FRAMEWORK_CP" "$ANDROID_KT" $(find "$ROOT/rust-core/kotlin" -name '*.kt')
else
    echo "check.sh: $BINDGEN not built; the Android flavour of the bindings was not compiled" >&2
fi

# b3. public API only
apicheck ApiCheck "$OUT/app.jar" "$ANDROID_ALL" "$HERE/platform-api.txt" "$OUT/api"

# --- c. the logic's tests on the real core. The app's logic must not touch android.* --------
if grep -rn '^import android\.' "$APP/java/vn/canhgiac/app/logic" >&2; then
    echo "check.sh: android.* imported in app/logic" >&2
    exit 1
fi
COROUTINES=$(tr ':' '\n' <<<"$MAVEN_CP" | grep kotlinx-coroutines-core-jvm)
LOGIC_CP="$OUT/app.jar:$BINDINGS_JAR:$JNA_JAR:$COROUTINES:$JUNIT_JAR:$HAMCREST_JAR"
kc -d "$OUT/tests.jar" -classpath "$LOGIC_CP" "$HERE"/logic/*.kt
if [ "${ONLY:-}" != screenshots ]; then
    # No framework on this run's classpath: logic that reached for android.* would fail here.
    java -Djna.library.path="$LIB_DIR" -cp "$OUT/tests.jar:$LOGIC_CP:$KLIB/kotlin-stdlib.jar" \
        vn.canhgiac.tests.android.RunAndroidTestsKt
fi

# --- d. Robolectric ----------------------------------------------------------------------------
ROBO_CP="$OUT/r:$OUT/app.jar:$BINDINGS_JAR:$MAVEN_CP:$KLIB/kotlin-stdlib.jar"
kc -d "$OUT/robolectric-tests.jar" -classpath "$COMPILE_JAR:$ROBO_CP" "$HERE"/robolectric/*.kt
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
"$JAVA21" "${ROBO_FLAGS[@]}" -Djna.library.path="$LIB_DIR" -Dcanhgiac.shots="$SHOTS" \
    -cp "$OUT/config:$HERE/robolectric:$OUT/robolectric-tests.jar:$ROBO_CP:$ANDROID_ALL" \
    vn.canhgiac.tests.robolectric.RunRobolectricKt ${ONLY:-all}
# Every screen in both languages, present and not blank.
"$JAVA21" -cp "$OUT/robolectric-tests.jar:$KLIB/kotlin-stdlib.jar" \
    vn.canhgiac.tests.robolectric.ShotCheckKt "$SHOTS"
