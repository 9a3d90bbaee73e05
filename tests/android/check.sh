#!/usr/bin/env bash
# The Android app's Kotlin, checked on a desktop JVM (no Android SDK here):
#   a. the platform stubs (tests/android/stubs: exactly the android.* members the app uses) -> stubs.jar
#   b. every file of android/app/src/main/java, compiled against stubs.jar and the REAL generated
#      bindings -> app.jar;
#      R is generated from the resource files, so a missing string or plural fails here too
#   b2. when uniffi-bindgen is built (target/debug, or UNIFFI_BINDGEN): the Android flavour of the
#      bindings, generated with android/uniffi-android.toml (android = true) the way build-android.sh
#      does, compiled against stubs.jar (android.os.Build, android.system.SystemCleaner, @RequiresApi)
#   c. the plain-Kotlin logic's JUnit tests, run against the host-built core
# Prints one line: `android: N passed, M failed`.
# Needs: KOTLINC KLIB JNA_JAR JUNIT_JAR HAMCREST_JAR BINDINGS_JAR LIB_DIR OUT
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
APP=$ROOT/android/app/src/main

for v in KOTLINC KLIB JNA_JAR JUNIT_JAR HAMCREST_JAR BINDINGS_JAR LIB_DIR OUT; do
    [ -n "${!v:-}" ] || { echo "check.sh: $v is not set" >&2; exit 1; }
done
for f in "$KLIB/kotlin-stdlib.jar" "$KLIB/kotlinx-coroutines-core-jvm.jar" "$JNA_JAR" "$JUNIT_JAR" "$HAMCREST_JAR" "$BINDINGS_JAR"; do
    [ -f "$f" ] || { echo "check.sh: missing $f" >&2; exit 1; }
done
[ -f "$LIB_DIR/libcanhgiac_core.so" ] || { echo "check.sh: no libcanhgiac_core.so in $LIB_DIR" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/gen/vn/canhgiac/app"
COROUTINES=$KLIB/kotlinx-coroutines-core-jvm.jar

kc() { "$KOTLINC" -nowarn -jvm-target 17 "$@"; }

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

# Every @string/@drawable/@mipmap the manifest and the resource files refer to exists
# (e.g. the launcher icon: mipmap-anydpi-v26/ic_launcher.xml and its two drawable layers).
missing=0
while read -r ref; do
    type=${ref%%/*}; name=${ref#*/}
    case $type in
        @string) grep -q "<string name=\"$name\"" "$APP/res/values/strings.xml" ;;
        @drawable|@mipmap) ls "$APP/res/${type#@}"*/"$name.xml" >/dev/null 2>&1 ;;
    esac || { echo "check.sh: $ref is referred to but not defined" >&2; missing=1; }
done < <(grep -rhoE '@(string|drawable|mipmap)/[a-z0-9_]+' "$APP/AndroidManifest.xml" "$APP/res" | sort -u)
[ "$missing" = 0 ] || exit 1

# R as the Android build would generate it, from the same resource names (ids are arbitrary here).
{
    echo "package vn.canhgiac.app"
    echo "object R {"
    echo "    object string {"
    names "$APP/res/values/strings.xml" | awk '{ printf "        const val %s: Int = %d\n", $1, 2131755008 + NR }'
    echo "    }"
    echo "    object plurals {"
    names "$APP/res/values/strings.xml" plurals | awk '{ printf "        const val %s: Int = %d\n", $1, 2131623936 + NR }'
    echo "    }"
    echo "    object drawable {"
    for f in "$APP"/res/drawable/*.xml; do basename "$f" .xml; done | sort | awk '{ printf "        const val %s: Int = %d\n", $1, 2131165184 + NR }'
    echo "    }"
    echo "}"
} >"$OUT/gen/vn/canhgiac/app/R.kt"

# a. stubs
mapfile -t STUBS < <(find "$HERE/stubs" -name '*.kt' | sort)
kc -d "$OUT/stubs.jar" "${STUBS[@]}"

# b. the app, against the stubs and the real bindings
mapfile -t SRC < <(find "$APP/java" -name '*.kt' | sort)
kc -d "$OUT/app.jar" -classpath "$OUT/stubs.jar:$BINDINGS_JAR:$JNA_JAR:$COROUTINES" \
    "${SRC[@]}" "$OUT/gen/vn/canhgiac/app/R.kt"

# b2. the Android flavour of the bindings (what build-android.sh generates), against the stubs
BINDGEN=${UNIFFI_BINDGEN:-$ROOT/target/debug/uniffi-bindgen}
if [ -x "$BINDGEN" ]; then
    "$BINDGEN" generate "$LIB_DIR/libcanhgiac_core.so" --language kotlin --no-format \
        --config "$ROOT/android/uniffi-android.toml" --out-dir "$OUT/android-bindings" >/dev/null
    ANDROID_KT=$OUT/android-bindings/vn/canhgiac/core/canhgiac_core.kt
    grep -q 'android.system.SystemCleaner' "$ANDROID_KT" || {
        echo "check.sh: android/uniffi-android.toml did not turn on android = true" >&2
        exit 1
    }
    kc -d "$OUT/android-bindings.jar" -classpath "$OUT/stubs.jar:$JNA_JAR:$COROUTINES" "$ANDROID_KT"
else
    echo "check.sh: $BINDGEN not built; the Android flavour of the bindings was not compiled" >&2
fi

# c. the logic's tests on the real core. The app's logic must not touch android.*.
if grep -rn '^import android\.' "$APP/java/vn/canhgiac/app/logic" >&2; then
    echo "check.sh: android.* imported in app/logic" >&2
    exit 1
fi
TEST_CP="$OUT/app.jar:$BINDINGS_JAR:$JNA_JAR:$COROUTINES:$JUNIT_JAR:$HAMCREST_JAR"
kc -d "$OUT/tests.jar" -classpath "$TEST_CP" "$HERE"/logic/*.kt
# The stubs are left off the run's classpath: logic that reached for android.* would fail here.
java -Djna.library.path="$LIB_DIR" -cp "$OUT/tests.jar:$TEST_CP:$KLIB/kotlin-stdlib.jar" \
    vn.canhgiac.tests.android.RunAndroidTestsKt
