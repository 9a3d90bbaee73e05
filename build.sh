#!/usr/bin/env bash
# One entry point for Cảnh Giác.
#   ./build.sh test       fmt, clippy, Rust tests, CLI and feed tests (nginx), the desk in Chromium, Kotlin and Android checks on the JVM
#   ./build.sh demo       the loop: a 156 inbox published, served by nginx, synced, a call warned, a report built; then live (reports serve), and a held number decided at the operator's desk
#   ./build.sh bindings [DIR]   write the Kotlin bindings (default build/bindings/kotlin)
#   ./build.sh bench      benchmarks (release build; figures go in the README)
#   ./build.sh phone-lib  the host library as the Android build makes its .so (profile phone, no publisher); prints its path
#   ./build.sh fuzz [SECONDS]   every fuzz target for SECONDS (default 3600) or 10 million runs
#   ./build.sh android    the APK, on a machine with the Android SDK, NDK and cargo-ndk
#   ./build.sh screenshots  every screen of the app, vi and en, 1080x2400 at 420 dpi, into build/screenshots; the desk's pages (desk-*.png)
# Tools the tests need and the machine lacks are installed, at pinned
# versions, into .tools/ (git-ignored) or from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
TOOLS=$ROOT/.tools
BUILD=$ROOT/build
# Cargo's target folder wherever the developer put it (CARGO_TARGET_DIR,
# .cargo/config.toml): Cargo itself says where.
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

KOTLIN_VERSION=2.4.20          # npm package kotlin-compiler: kotlinc, stdlib, kotlin-test, coroutines
JNA_JAR=/usr/share/java/jna.jar          # Debian libjna-java (5.13)
JUNIT_JAR=/usr/share/java/junit4.jar     # Debian junit4 (4.13)
HAMCREST_JAR=/usr/share/java/hamcrest-core.jar

# say, die, apt_install
# shellcheck source=tests/shell.sh
. "$ROOT/tests/shell.sh"

ensure_jvm_tools() {
    command -v java >/dev/null || apt_install openjdk-17-jre-headless
    local missing=()
    [ -f "$JNA_JAR" ] || missing+=(libjna-java)
    [ -f "$JUNIT_JAR" ] && [ -f "$HAMCREST_JAR" ] || missing+=(junit4)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    KOTLIN_HOME=$TOOLS/kotlinc-$KOTLIN_VERSION
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        command -v npm >/dev/null || die "npm is needed to fetch the Kotlin compiler"
        say "fetching the Kotlin compiler $KOTLIN_VERSION (npm package kotlin-compiler)"
        local tmp
        tmp=$(mktemp -d)
        (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null && tar xzf kotlin-compiler-*.tgz)
        mkdir -p "$TOOLS"
        rm -rf "$KOTLIN_HOME"
        mv "$tmp/package" "$KOTLIN_HOME"
        chmod +x "$KOTLIN_HOME"/bin/*
        rm -rf "$tmp"
    fi
    KOTLINC=$KOTLIN_HOME/bin/kotlinc
    KLIB=$KOTLIN_HOME/lib
    COROUTINES_JAR=$KLIB/kotlinx-coroutines-core-jvm.jar
}

# Builds the host library and generates the Kotlin bindings from it.
generate_bindings() {
    local out=$1
    say "building the core library and uniffi-bindgen"
    cargo build -q -p canhgiac-core -p uniffi-bindgen
    LIB=$TARGET/debug/libcanhgiac_core.so
    rm -rf "$out"
    mkdir -p "$out"
    "$TARGET/debug/uniffi-bindgen" generate "$LIB" --language kotlin --no-format \
        --out-dir "$out" >/dev/null
    # The bindings' hand-written half (the ringing path's packing), beside the generated file.
    cp -r "$ROOT/rust-core/kotlin/." "$out/"
    say "Kotlin bindings in ${out#"$ROOT"/}"
}

# nginx serving DIR/www on a free loopback port (its files in DIR/nginx);
# stopped when the script exits. Sets SERVED_URL.
serve_on_loopback() {
    local dir=$1 nginx port
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
    [ -x "$nginx" ] || { apt_install nginx-light; nginx=/usr/sbin/nginx; }
    mkdir -p "$dir/www" "$dir/nginx"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/nginx/nginx.conf" <<CONF
daemon off; master_process off; pid $dir/nginx/nginx.pid; error_log $dir/nginx/error.log;
events { worker_connections 64; }
http {
  access_log $dir/nginx/access.log;
  client_body_temp_path $dir/nginx; proxy_temp_path $dir/nginx; fastcgi_temp_path $dir/nginx;
  uwsgi_temp_path $dir/nginx; scgi_temp_path $dir/nginx;
  server {
    listen 127.0.0.1:$port; root $dir/www;
    # As README's "Serving the feed" and the CLI tests (cli/tests/common):
    location ~ /manifest\.json\$ { add_header Cache-Control "no-cache" always; }
    location ~ \.bin\$ { add_header Cache-Control "public, max-age=31536000, immutable" always; }
    location ~ /\. { deny all; }
  }
}
CONF
    "$nginx" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
    NGINX_PIDS="${NGINX_PIDS:-} $!"
    trap 'kill $NGINX_PIDS 2>/dev/null || true; [ -z "${DEMO_DIR:-}" ] || rm -rf "$DEMO_DIR"' EXIT
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    SERVED_URL="http://127.0.0.1:$port"
}

# A feed built by the CLI and served by nginx on loopback, for the Kotlin
# sync tests; stopped when the script exits.
start_feed_server() {
    local dir=$BUILD/feed-server
    rm -rf "$dir"
    mkdir -p "$dir/www"
    cargo build -q --bin canhgiac
    local cg=$TARGET/debug/canhgiac
    "$cg" feed keygen --out "$dir/keys" >/dev/null
    # The fixture's dates, moved so that its newest is yesterday: the phone
    # weighs a report's age, and a fixed date would age the tests' verdicts.
    python3 - "$ROOT/tests/fixtures/reported.csv" "$dir/reported.csv" <<'PY'
import csv, datetime, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
day = lambda s: datetime.date.fromisoformat(s)
newest = max(day(r[3]) for r in rows[1:] if r[3])
shift = datetime.date.today() - datetime.timedelta(days=1) - newest
for r in rows[1:]:
    if r[3]:
        r[3] = (day(r[3]) + shift).isoformat()
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(rows)
PY
    "$cg" feed build --input "$dir/reported.csv" --key "$dir/keys/feed.key" --out "$dir/www/feed" >/dev/null
    serve_on_loopback "$dir"
    export CANHGIAC_TEST_FEED_URL="$SERVED_URL/feed/"
    CANHGIAC_TEST_FEED_KEY=$(cat "$dir/keys/feed.pub")
    export CANHGIAC_TEST_FEED_KEY
    # For tests that publish versions of their own, under www/.
    export CANHGIAC_TEST_FEED_ROOT="$dir/www" CANHGIAC_TEST_FEED_SECRET="$dir/keys/feed.key" CANHGIAC_CLI="$cg"
    say "feed served by nginx at $CANHGIAC_TEST_FEED_URL"
}

# Compiles the bindings and the tests under tests/kotlin, runs them on the JVM;
# then the Android app's check (tests/android/check.sh).
kotlin_tests() {
    ensure_jvm_tools
    local gen=$BUILD/kotlin/generated jars=$BUILD/kotlin
    generate_bindings "$gen"
    local cp_base="$JNA_JAR:$COROUTINES_JAR"
    compile_bindings "$gen" "$jars/bindings.jar"
    say "compiling tests/kotlin"
    local test_cp="$jars/bindings.jar:$cp_base:$JUNIT_JAR:$HAMCREST_JAR:$KLIB/kotlin-test.jar:$KLIB/kotlin-test-junit.jar"
    rm -f "$jars/tests.jar"
    "$KOTLINC" -nowarn -d "$jars/tests.jar" "$ROOT"/tests/kotlin/*.kt -classpath "$test_cp"
    start_feed_server
    say "running the Kotlin tests on $(java -version 2>&1 | head -1)"
    run_kotlin() { java -Djna.library.path="$1" -cp "$jars/tests.jar:$test_cp:$KLIB/kotlin-stdlib.jar" vn.canhgiac.tests.RunAllKt; }
    run_kotlin "$TARGET/debug"
    say "building the phone's library (profile phone, SQLite's phone options), and checking it"
    local phone
    phone=$(build_phone_lib)
    check_phone_lib "$phone"
    say "the Kotlin tests again, against the phone's library"
    run_kotlin "$(dirname "$phone")"
    android_check
}

# Compiles the generated bindings ($1) into a jar ($2).
compile_bindings() {
    say "compiling the bindings with kotlinc $KOTLIN_VERSION"
    rm -f "$2"
    "$KOTLINC" -nowarn -d "$2" $(find "$1" -name '*.kt') -classpath "$JNA_JAR:$COROUTINES_JAR" 2>&1 | grep -v '^warning' || true
    [ -f "$2" ] || die "the generated bindings did not compile"
}

# --- The Android app on the JVM (tests/android: Robolectric on the real framework) ---------
# Needs the bindings jar and the debug core (kotlin_tests or cmd_screenshots build them).
android_check() {
    say "the Android app on the real Android framework (Robolectric, API 36), logic tests, screenshots"
    # env, so that the caller's NAME=value words ("$@", e.g. ONLY=screenshots) are set too.
    env KOTLINC="$KOTLINC" KLIB="$KLIB" JNA_JAR="$JNA_JAR" JUNIT_JAR="$JUNIT_JAR" HAMCREST_JAR="$HAMCREST_JAR" \
        BINDINGS_JAR="$BUILD/kotlin/bindings.jar" LIB_DIR="$TARGET/debug" OUT="$BUILD/android-check" \
        UNIFFI_BINDGEN="$TARGET/debug/uniffi-bindgen" SHOTS="$BUILD/screenshots" "$@" \
        bash "$ROOT/tests/android/check.sh"
}

# The desk's browser tests (tests/desk/desk_test.py; arguments: unittest's,
# e.g. a class name). Debian's Chromium, its driver and python3-selenium, run
# by Debian's python (not a pyenv one on PATH): nothing is downloaded at run
# time. DESK_SCREENSHOTS=DIR in the environment also writes the pages' PNGs.
desk_tests() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    /usr/bin/python3 -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    cargo build -q -p canhgiac-cli --bin canhgiac
    CANHGIAC_BIN="$TARGET/debug/canhgiac" /usr/bin/python3 "$ROOT/tests/desk/desk_test.py" "$@"
}

# ./build.sh screenshots: every screen in Vietnamese and English, into
# build/screenshots; the desk's pages as desk-*.png (vi/en, 1280x900 and 390x844).
cmd_screenshots() {
    ensure_jvm_tools
    generate_bindings "$BUILD/kotlin/generated"
    compile_bindings "$BUILD/kotlin/generated" "$BUILD/kotlin/bindings.jar"
    start_feed_server
    android_check ONLY=screenshots
    say "the desk's pages in Chromium"
    DESK_SCREENSHOTS="$BUILD/screenshots" desk_tests T9Screenshots
    say "screenshots in ${BUILD#"$ROOT"/}/screenshots"
}

# The app's path through JNA (CallGuard.screen from Kotlin on the JVM, release core), beside
# the Rust-only figures of the same run, read from the screen bench's output ($1).
android_bench() {
    ensure_jvm_tools
    generate_bindings "$BUILD/kotlin/generated"
    compile_bindings "$BUILD/kotlin/generated" "$BUILD/kotlin/bindings.jar"
    say "benchmark: CallGuard.screen from Kotlin through JNA into the phone's library on 1,000,000 numbers, and the cold path"
    local p50 p99
    p50=$(sed -n 's/^| screen, warm p50 | \([0-9.]*\) µs.*/\1/p' "$1")
    p99=$(sed -n 's/^| screen, warm p99 | \([0-9.]*\) µs.*/\1/p' "$1")
    KOTLINC="$KOTLINC" KLIB="$KLIB" JNA_JAR="$JNA_JAR" BINDINGS_JAR="$BUILD/kotlin/bindings.jar" \
        LIB_DIR="$(dirname "$(build_phone_lib)")" OUT="$BUILD/jna-bench" bash "$ROOT/tests/android/bench.sh" "$p50" "$p99"
}

cmd_test() {
    # The feed tests serve real files with nginx (Debian's nginx-light), some
    # over https with a chain openssl makes (tests/tls/make-chain.sh).
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx-light
    command -v openssl >/dev/null || apt_install openssl
    say "cargo fmt --check"
    cargo fmt --all --check
    say "cargo clippy -D warnings"
    cargo clippy -q --workspace --all-targets -- -D warnings
    # The workspace builds the core with the CLI's publisher feature; the
    # phone's library is built without it, and must be as clean.
    cargo clippy -q -p canhgiac-core --lib -- -D warnings
    say "Rust tests (core, CLI)"
    cargo test -q --workspace
    say "desk: the operator's desk in Chromium (tests/desk, the debug CLI)"
    desk_tests
    say "fuzz smoke test: each target for a few seconds"
    run_fuzz 5 "$BUILD/fuzz-smoke.tsv" "$BUILD/fuzz-smoke"
    kotlin_tests
}


# The loop, on one machine: what people text to 156 becomes the signed
# list a publisher serves, a phone syncs it, warns of the next call from a
# reported number, and builds the report that starts the loop again.
cmd_demo() {
    say "building the CLI (release)"
    cargo build -q --release --bin canhgiac
    local cg="$TARGET/release/canhgiac"
    DEMO_DIR=$(mktemp -d)
    trap 'rm -rf "$DEMO_DIR"' EXIT
    local pub=$DEMO_DIR/publisher.db phone=$DEMO_DIR/phone.db
    day() { date -d "-$1 days" +%Y-%m-%d; }
    show() { echo "\$ canhgiac $*"; }

    echo
    echo "# 1. The hotline's inbox: what people texted to 156 (synthetic numbers), as the"
    echo "#    SMS gateway exports it (RFC 4180 CSV; a message may hold line breaks)."
    local today
    today=$(day 0)
    {
        echo "received_at,sender,to,body,message_id"
        # Five people over three days: a scam, confirmed.
        echo "$(day 3)T08:12:00+07:00,0901000001,156,LD 0912 345 678 mạo danh công an đòi chuyển tiền,gw-1001"
        echo "$(day 3)T20:30:00+07:00,0901000010,156,LD 0912345678 tu xung cong an,gw-1002"
        echo "$(day 2)T19:40:00+07:00,0901000002,156,ld:0912.345.678 noi la cong an quan,gw-1003"
        echo "$(day 1)T10:05:00+07:00,0901000003,5656,LD (+84912345678)(gọi báo có lệnh bắt),gw-1004"
        echo "$(day 1)T12:00:00+07:00,0901000011,156,LD 0912345678 doa bat giam,gw-1005"
        # Six people within minutes this morning: a campaign starting, or a
        # few SIM cards. Listed at once, as suspicious.
        for i in 1 2 3 4 5 6; do
            echo "${today}T07:0$i:00+07:00,090200000$i,156,LD 0933 000 222 nhà mạng báo khóa SIM 2 chiều,gw-20$i"
        done
        # One SMS whose body carries line breaks that look like five more reports.
        printf '%s\n' "$(day 1)T21:00:00+07:00,0901000015,156,\"LD 0966 000 333 lua dao"
        for i in 6 7 8 9; do
            printf '%s\n' "$(day 1)T21:0$i:00+07:00,090100001$i,156,LD 0966000333 lua dao"
        done
        printf '%s\n' "\",gw-3001"
        # A 1900 line, three people: held for review, never listed on reports alone.
        for i in 1 2 3; do
            echo "$(day "$i")T09:00:00+07:00,090300000$i,156,LD 1900 1234 giả ngân hàng,gw-40$i"
        done
        # Five people, over two days, about calls selling land (V): a nuisance.
        for i in 1 2 3 4 5; do
            echo "$(day $((i % 2 + 1)))T1$i:00:00+07:00,090400000$i,156,V 0900 000 001 quảng cáo bất động sản,gw-50$i"
        done
        echo "$(day 1)T11:00:00+07:00,0901000004,156,LD 0987 000 001 giao hàng đòi chuyển khoản,gw-6001"
        echo "$(day 1)T11:30:00+07:00,0901000004,156,LD 0987 000 001 lai goi,gw-6002"
        echo "$(day 1)T16:00:00+07:00,0901000008,156,LD 113 goi gia,gw-7001"
        echo "$(day 1)T16:10:00+07:00,+12025550143,156,LD 0912345678 lua dao,gw-7002"
        echo "$(day 1)T16:30:00+07:00,0901000009,156,cam on,gw-7003"
    } >"$DEMO_DIR/inbox.csv"
    cat "$DEMO_DIR/inbox.csv"
    echo
    echo "# 2. The publisher makes its database once (the reporter key apart from it: a copy"
    echo "#    of the database alone gives no reporter away), ingests the inbox (reporters"
    echo "#    kept as keyed hashes only; a US number is not a reporter) and publishes,"
    echo "#    signed, what people reported: each person once, at most 5 numbers a day each."
    "$cg" feed keygen --out "$DEMO_DIR/keys" >/dev/null
    export CANHGIAC_REPORTER_KEY_FILE=$DEMO_DIR/keys/reporter.key
    # The guard measures lists of 100 entries or more by default; this
    # demo's list is tiny, so its policy asks the guard to measure it too.
    printf 'min_reporters = 3\nguard_min_entries = 1\n' >"$DEMO_DIR/policy.toml"
    show "--db publisher.db --reporter-key reporter.key reports init"
    "$cg" --db "$pub" reports init
    show "--db publisher.db reports ingest inbox.csv"
    "$cg" --db "$pub" reports ingest "$DEMO_DIR/inbox.csv"
    show "--db publisher.db publish --key feed.key --out www/feed --policy policy.toml"
    "$cg" --db "$pub" publish --key "$DEMO_DIR/keys/feed.key" --out "$DEMO_DIR/www/feed" \
        --policy "$DEMO_DIR/policy.toml"
    echo
    echo "# 2b. Held for review: a 1900 line's false listing would harm most. An operator"
    echo "#     decides (reports approve|reject NUMBER --reason … --operator NAME)."
    show "--db publisher.db reports held"
    "$cg" --db "$pub" reports held
    echo
    echo "# 2c. A slip never reaches phones: a policy typed with one zero too many would"
    echo "#     empty the list, and a mistyped database would publish nothing. Both refused;"
    echo "#     the last feed stays as it was."
    printf 'min_reporters = 100000\nguard_min_entries = 1\n' >"$DEMO_DIR/policy-typo.toml"
    show "--db publisher.db publish --key feed.key --out www/feed --policy policy-typo.toml"
    "$cg" --db "$pub" publish --key "$DEMO_DIR/keys/feed.key" --out "$DEMO_DIR/www/feed" \
        --policy "$DEMO_DIR/policy-typo.toml" 2>&1 | grep '^error:' || true
    show "--db publsher.db publish --key feed.key --out www/feed"
    "$cg" --db "$DEMO_DIR/publsher.db" publish --key "$DEMO_DIR/keys/feed.key" \
        --out "$DEMO_DIR/www/feed" 2>&1 | grep '^error:' || true
    echo
    echo "# 3. nginx serves the feed folder; the phone syncs it (signature checked)."
    serve_on_loopback "$DEMO_DIR"
    show "sync $SERVED_URL/feed/ --key feed.pub"
    "$cg" --db "$phone" sync "$SERVED_URL/feed/" --key "$DEMO_DIR/keys/feed.pub" --allow-http
    "$cg" --db "$phone" allow "0987 654 321" >/dev/null
    echo
    echo "# 3b. A second list, from another publisher with its own key: a province's"
    echo "#     police notices. The phone follows both; one sync updates each on its own."
    "$cg" feed keygen --out "$DEMO_DIR/police" >/dev/null
    {
        echo "number,category,reports,last_reported,label"
        echo "0912345678,scam,1,$(day 1),mạo danh công an"
        echo "0977000111,scam,1,$(day 2),giả danh cán bộ thuế"
    } >"$DEMO_DIR/police.csv"
    "$cg" feed build --input "$DEMO_DIR/police.csv" --key "$DEMO_DIR/police/feed.key" \
        --out "$DEMO_DIR/www/police" >/dev/null
    show "feeds add 'Công an tỉnh X' $SERVED_URL/police/ --key police.pub"
    "$cg" --db "$phone" feeds add "Công an tỉnh X" "$SERVED_URL/police/" \
        --key "$DEMO_DIR/police/feed.pub" --allow-http
    show "sync"
    "$cg" --db "$phone" sync
    show "feeds list"
    "$cg" --db "$phone" feeds list
    echo
    screen() { show "check $*"; "$cg" --db "$phone" check "$@"; echo; }
    echo "# 4. The next call from the reported number, written three ways (both lists speak):"
    screen "0912 345 678"
    screen "+84912345678"
    screen "0084.912.345.678"
    echo "# On the second list only, reported once (a CSV list counts reports, it names no"
    echo "# authority): thin evidence, so 'suspicious', saying why."
    screen "0977 000 111"
    echo "# Six people within minutes this morning: warned at once, but not yet called a scam."
    screen "0933 000 222"
    echo "# One SMS with line breaks is one message from one person: not listed."
    screen "0966 000 333"
    echo "# Five people over two days reported calls selling land (V): a nuisance, it rings."
    screen "0900 000 001"
    echo "# Reported by one person only (twice): not on the list."
    screen "0987000001"
    echo "# A number you allowed, even with caller verification failed:"
    screen "0987654321" --verification failed
    echo "# 113 is never silenced, whatever anybody reports:"
    screen 113
    echo "# An old 11-digit number, converted to today's 10 digits:"
    screen "01621234567"
    echo "# A one-ring call from abroad (wangiri):"
    screen "+224 621 23 45 67"
    echo "# A hidden caller:"
    screen --hidden
    echo "# 5. After the call: the report SMS for 156, ready for your SMS app;"
    echo "#    it lands in the inbox of step 1, and the loop closes."
    show "report 0912345678 --content 'Mạo danh công an yêu cầu chuyển tiền'"
    "$cg" --db "$phone" report 0912345678 --content "Mạo danh công an yêu cầu chuyển tiền"
    echo
    echo "# History of screened calls on the phone:"
    "$cg" --db "$phone" history
    demo_live "$cg" "$pub" "$phone"
    demo_desk "$cg" "$pub" "$phone"
}

# What follows PREFIX on the line a server started in the background writes
# to FILE once it listens (its address), waiting up to 10 s for it; nothing
# when it never came.
wait_listening() {
    local prefix=$1 file=$2
    for _ in $(seq 100); do
        grep -q "^$prefix" "$file" && break
        sleep 0.1
    done
    sed -n "s/^$prefix//p" "$file"
}

# The demo's last act: the same loop live, in seconds rather than a day.
# The gateway POSTs each SMS as it arrives to `reports serve` (no feed key
# in it), a publish runs (a timer would run it every minute), the phone
# syncs from nginx and warns.
demo_live() {
    local cg=$1 pub=$2 phone=$3 out=$DEMO_DIR/serve.out
    echo
    echo "# 6. Live: the hotline's SMS gateway POSTs each text as it arrives to the inbox as"
    echo "#    a service, which answers 202 once it is on disk. A token per gateway (the"
    echo "#    file is mode 600); TLS would come from nginx in front."
    printf 'demo-gw %s\n' "$(python3 -c 'import secrets; print(secrets.token_hex(32))')" >"$DEMO_DIR/gateways.txt"
    chmod 600 "$DEMO_DIR/gateways.txt"
    local token
    token=$(cut -d' ' -f2 "$DEMO_DIR/gateways.txt")
    show "--db publisher.db reports serve --listen 127.0.0.1:0 --token-file gateways.txt &"
    "$cg" --db "$pub" reports serve --listen 127.0.0.1:0 --token-file "$DEMO_DIR/gateways.txt" >"$out" &
    local server=$!
    # shellcheck disable=SC2064 # the server's pid now; nginx's and the folder at exit
    trap "kill $server \$NGINX_PIDS 2>/dev/null || true; rm -rf \"\$DEMO_DIR\"" EXIT
    local addr
    addr=$(wait_listening 'listening on ' "$out")
    [ -n "$addr" ] || die "reports serve did not start"
    cat "$out"
    echo "# Three people, minutes apart in life, text 156 about the same new number:"
    local i body
    for i in 1 2 3; do
        body="{\"received_at\":\"$(date +%Y-%m-%dT%H:%M:%S%:z)\",\"sender\":\"090500000$i\",\"to\":\"156\",\"body\":\"LD 0944 000 777 tu xung cong an doi chuyen tien\",\"message_id\":\"demo-gw-$i\"}"
        echo "\$ curl -sS -H \"Authorization: Bearer \$TOKEN\" --json '$body' http://$addr/v1/messages"
        curl -sS -H "Authorization: Bearer $token" --json "$body" "http://$addr/v1/messages"
        echo
    done
    local crossed=$EPOCHREALTIME
    echo "# The publish step, as the timer runs it every minute (the feed key only here):"
    show "--db publisher.db publish --key feed.key --out www/feed --policy policy.toml"
    "$cg" --db "$pub" publish --key "$DEMO_DIR/keys/feed.key" --out "$DEMO_DIR/www/feed" \
        --policy "$DEMO_DIR/policy.toml" >"$DEMO_DIR/publish.out" 2>&1
    grep -E '^(published|  added)' "$DEMO_DIR/publish.out"
    echo "# The phone's next sync takes only what changed, from nginx; the next call warns:"
    show "sync"
    "$cg" --db "$phone" sync | grep -v 'good until'
    show "check 0944 000 777"
    "$cg" --db "$phone" check "0944 000 777"
    echo "# From the third 202 to the warning: $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$crossed" "$EPOCHREALTIME") s here, each step run at once;"
    echo "# with a publish every minute and a sync every minute, 'cargo bench --bench timeline'"
    echo "# measures it (README, Benchmarks: time to phone)."
    echo "# The inbox stops on SIGTERM, committing whatever is queued:"
    kill -TERM "$server"
    wait "$server"
    tail -1 "$out"
}

# Act 7 of the demo: the held 1900 line decided at the operator's desk (the
# same form a browser submits, driven here by curl), published, and warned of.
demo_desk() {
    local cg=$1 pub=$2 phone=$3
    local out=$DEMO_DIR/desk.out jar=$DEMO_DIR/desk.cookies page=$DEMO_DIR/page.html
    echo
    echo "# 7. The operator's desk: the review queue, disputes and each publish, in a"
    echo "#    browser (loopback; nginx in front for TLS). An operator is added once;"
    echo "#    only an argon2id hash of the password is kept."
    show "--db publisher.db desk add-operator lan   (password from stdin)"
    printf 'demo-password-%s\n' "$$" | "$cg" --db "$pub" desk add-operator lan
    show "--db publisher.db desk --listen 127.0.0.1:0 &"
    "$cg" --db "$pub" desk --listen 127.0.0.1:0 >"$out" 2>"$DEMO_DIR/desk.err" &
    local desk=$!
    # shellcheck disable=SC2064 # the desk's pid now; nginx's and the folder at exit
    trap "kill $desk \$NGINX_PIDS 2>/dev/null || true; rm -rf \"\$DEMO_DIR\"" EXIT
    local url
    url=$(wait_listening 'desk listening on ' "$out")
    [ -n "$url" ] || die "the desk did not start: $(cat "$DEMO_DIR/desk.err")"
    cat "$out"
    # Every form carries the token of its page (CSRF); the cookie jar keeps
    # the session as a browser would.
    local csrf
    token_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$page" | head -1; }
    curl -sS -c "$jar" -b "$jar" -o "$page" "$url/login"
    csrf=$(token_of)
    echo "# Lan signs in, and opens the review queue: the 1900 line waits there."
    curl -sS -c "$jar" -b "$jar" -o /dev/null -w '  POST /login → %{http_code} %{redirect_url}\n' \
        --data-urlencode "csrf=$csrf" --data-urlencode "name=lan" \
        --data-urlencode "password=demo-password-$$" "$url/login"
    curl -sS -c "$jar" -b "$jar" -o "$page" -w '  GET /held → %{http_code}\n' "$url/held?lang=en"
    local digits
    digits=$(grep -o 'id="held-[0-9]*"' "$page" | head -1 | sed 's/id="held-\([0-9]*\)"/\1/')
    echo "  row held-$digits"
    csrf=$(token_of)
    echo "# She approves it, with a reason, the same as 'reports approve --operator lan':"
    curl -sS -c "$jar" -b "$jar" -o /dev/null -w "  POST /held/$digits/approve → %{http_code}\n" \
        --data-urlencode "csrf=$csrf" \
        --data-urlencode "reason=the bank confirms this line is not theirs" \
        "$url/held/$digits/approve"
    echo "# A form without its token changes nothing:"
    curl -sS -b "$jar" -o /dev/null -w "  POST /held/$digits/reject without csrf → %{http_code}\n" \
        --data-urlencode "reason=x" "$url/held/$digits/reject"
    show "--db publisher.db reports audit | grep $digits | tail -1"
    "$cg" --db "$pub" reports audit 2>/dev/null | grep "$digits" | tail -1
    echo "# The next publish lists it. The list would then have gained 2 entries on the"
    echo "# 3 it held a day before (66%, over max_gain_percent): the guard refuses that"
    echo "# unless the operator, who has looked at both, accepts the change knowingly."
    show "--db publisher.db publish --key feed.key --out www/feed --policy policy.toml --accept-change 2"
    "$cg" --db "$pub" publish --key "$DEMO_DIR/keys/feed.key" --out "$DEMO_DIR/www/feed" \
        --policy "$DEMO_DIR/policy.toml" --accept-change 2 >"$DEMO_DIR/publish.out" 2>&1 ||
        { cat "$DEMO_DIR/publish.out"; die "the publish after the desk's approval failed"; }
    grep -E '^(published|  added)' "$DEMO_DIR/publish.out"
    echo "# The phone's next sync warns of it:"
    "$cg" --db "$phone" sync >/dev/null
    show "check 1900 1234"
    "$cg" --db "$phone" check "1900 1234"
    echo "# Pictures of every page, vi and en, desktop and phone: ./build.sh screenshots"
    echo "# (build/screenshots/desk-*.png). The desk stops on SIGTERM."
    kill -TERM "$desk"
    wait "$desk" || true
}

# Benchmark NAME (rust-core/benches/NAME.rs) against the release CLI, WHAT
# it measures said first; its report on stdout.
release_bench() {
    say "benchmark: $2"
    CANHGIAC_BIN="$TARGET/release/canhgiac" cargo bench -q -p canhgiac-core --bench "$1"
}

cmd_bench() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx-light
    command -v openssl >/dev/null || apt_install openssl
    say "benchmark: screen on a 1,000,000-number store (release build)"
    mkdir -p "$BUILD"
    cargo bench -q -p canhgiac-core --bench screen | tee "$BUILD/bench-screen.md"
    say "building the CLI (release)"
    cargo build -q --release --bin canhgiac
    release_bench feed "the signed feed at 1,000,000 entries (release CLI, nginx on loopback)"
    release_bench inbox "the publisher pipeline at 1,000,000 reports (release CLI)"
    release_bench serve "reports serve under load, and kill -9 under load (release CLI, loopback)"
    release_bench timeline "time to phone, the live loop: serve, publish every minute, phones syncing every minute (release CLI, nginx; about 22 minutes)"
    release_bench userdata "the user's own data at 1,000,000 imported numbers against 10 (release CLI)"
    release_bench publish_cost "the publish cost of 100 reports on a list of 1,000,000 entries (release CLI)"
    release_bench ladder "publishing every 5 minutes on 1,000,000 entries (the ladder; nginx on loopback)"
    release_bench desk "the operator's desk on 1,000,000 reports and 1,000 held numbers (release CLI, loopback)" | tee "$BUILD/bench-desk.md"
    android_bench "$BUILD/bench-screen.md"
    phone_lib_sizes
}

# The phone's library: the core without the `publisher` feature, in the
# `phone` profile (Cargo.toml), with SQLite's options of
# rust-core/sqlite-phone.flags, exactly as android/build-android.sh builds
# each ABI's .so. `-p canhgiac-core` alone, so that the CLI's features are
# not unified in.
PHONE_BUILD=(-p canhgiac-core --lib --profile phone)
# Linked as the NDK links an app's library for minSdk 29: with lld, relative
# relocations packed (RELR; the NDK's clang asks lld for this by itself from
# API 28), so that the host's libraries measure what a phone gets (0.5-0.6 MB
# of .rela.dyn otherwise). lld is rustc's own (rust-lld, through the gcc-ld
# wrapper rustc links this machine's programs with): Debian's GNU ld 2.40
# cannot pack aarch64's relocations.
phone_link() {
    local host
    host=$(rustc -vV | sed -n 's/^host: //p')
    PHONE_LINK=(-C link-arg=-fuse-ld=lld -C "link-arg=-B$(rustc --print sysroot)/lib/rustlib/$host/bin/gcc-ld"
        -C link-arg=-Wl,-z,pack-relative-relocs)
}
AARCH64=aarch64-unknown-linux-gnu

phone_sqlite_flags() { grep -v '^#' "$ROOT/rust-core/sqlite-phone.flags" | tr '\n' ' '; }

# Builds the phone library for TARGET (default: this machine) and prints
# its path.
build_phone_lib() {
    local target=${1:-} dir=$TARGET/phone args=("${PHONE_BUILD[@]}")
    if [ -n "$target" ]; then
        args+=(--target "$target")
        dir=$TARGET/$target/phone
    fi
    phone_link
    LIBSQLITE3_FLAGS=$(phone_sqlite_flags) cargo rustc -q "${args[@]}" -- "${PHONE_LINK[@]}"
    echo "$dir/libcanhgiac_core.so"
}

# What the phone library must be: no publisher code in what it is built
# from, and panics that still unwind to the FFI edge (panic = "unwind"):
# uniffi's own rustbuffer_alloc, asked for 2^63 bytes, panics ("capacity
# overflow"); the call must come back with status 2 (a caught panic), where
# panic = "abort" would kill the process.
check_phone_lib() {
    local lib=$1 tree
    tree=$(cargo tree -q -e normal,build,features -p canhgiac-core)
    if grep -q 'canhgiac-core feature "publisher"' <<<"$tree" || grep -Eq '(^|[ ─])(brotli|hmac) v' <<<"$tree"; then
        die "the phone library is built with publisher code (the publisher feature, brotli's encoder or hmac)"
    fi
    # SQLite's options leave nothing the library still calls undefined.
    local left_out
    left_out=$(nm -D --undefined-only "$lib" | grep sqlite3 | tr '\n' ' ' || true)
    [ -z "$left_out" ] || die "the phone library calls SQLite functions its options left out: $left_out"
    # (Its stderr is the panic's message, which is expected.)
    python3 - "$lib" 2>/dev/null <<'PY' || die "a panic in the phone library was not caught at the FFI edge"
import ctypes, sys
class RustBuffer(ctypes.Structure):
    _fields_ = [("capacity", ctypes.c_uint64), ("len", ctypes.c_uint64), ("data", ctypes.c_void_p)]
class RustCallStatus(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int8), ("error_buf", RustBuffer)]
alloc = ctypes.CDLL(sys.argv[1]).ffi_canhgiac_core_rustbuffer_alloc
alloc.argtypes = [ctypes.c_uint64, ctypes.POINTER(RustCallStatus)]
alloc.restype = RustBuffer
status = RustCallStatus()
alloc(1 << 63, ctypes.byref(status))
sys.exit(0 if status.code == 2 else 1)
PY
}

cmd_phone_lib() {
    say "building the phone library (profile phone, without the publisher feature)"
    local lib
    lib=$(build_phone_lib)
    say "checking it: no publisher code; a panic is caught at the FFI edge"
    check_phone_lib "$lib"
    say "$(mb "$lib") stripped"
    echo "$lib"
}

mb() { python3 -c 'import os, sys; print(f"{os.path.getsize(sys.argv[1]) / 1e6:.2f} MB")' "$1"; }

# The cross toolchain for aarch64-unknown-linux-gnu: the Rust target from
# rustup and Debian's gcc-aarch64-linux-gnu (also for SQLite's and ring's C).
# Says why and fails when either cannot be had.
ensure_aarch64() {
    if ! rustup target list --installed 2>/dev/null | grep -qx "$AARCH64"; then
        command -v rustup >/dev/null || { say "skipping aarch64: no rustup to add the Rust target $AARCH64"; return 1; }
        say "adding the Rust target $AARCH64"
        timeout 600 rustup target add "$AARCH64" >/dev/null 2>&1 || { say "skipping aarch64: rustup could not add $AARCH64 (is its download site reachable?)"; return 1; }
    fi
    if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
        (apt_install gcc-aarch64-linux-gnu) || { say "skipping aarch64: Debian's gcc-aarch64-linux-gnu could not be installed"; return 1; }
    fi
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
        CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
}

# The phone library's stripped size per ABI (target: 4 MB): x86_64 here, and
# aarch64-unknown-linux-gnu as the closest stand-in for arm64-v8a that these
# machines can build (the NDK is not on them).
phone_lib_sizes() {
    say "the phone library's size (profile phone, stripped)"
    local x86 arm="| $AARCH64 | skipped (see above) | ≤ 4 MB | |"
    x86=$(size_row x86_64-unknown-linux-gnu "$(build_phone_lib)")
    if ensure_aarch64; then
        arm=$(size_row "$AARCH64 (stand-in for arm64-v8a)" "$(build_phone_lib "$AARCH64")")
    fi
    echo
    echo "| phone library, stripped | size | target | |"
    echo "|---|---|---|---|"
    echo "$x86"
    echo "$arm"
}

# A table row: NAME, the size of LIB, the 4 MB target met or missed.
size_row() {
    python3 -c 'import os, sys; n = os.path.getsize(sys.argv[2]); v = "met" if n <= 4e6 else "MISSED"; print(f"| {sys.argv[1]} | {n / 1e6:.2f} MB | ≤ 4 MB | {v} |")' "$1" "$2"
}

CARGO_FUZZ_VERSION=0.13.2
FUZZ_TARGETS="snapshot delta manifest report import_csv number feed_file sms inbox"

# The fuzz targets (rust-core/fuzz): cargo-fuzz with libFuzzer, on the
# nightly toolchain when one is installed, else on stable through
# RUSTC_BOOTSTRAP=1. No sanitizer (-s none): the project has no unsafe code,
# and what is looked for is panics, overflows (debug assertions are on),
# hangs and memory blow-ups. Each target runs SECONDS or 10 million inputs.
run_fuzz() {
    local seconds=$1 log=$2 scratch=${3:-}
    command -v cargo-fuzz >/dev/null || {
        say "installing cargo-fuzz $CARGO_FUZZ_VERSION"
        cargo install -q cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
    }
    local fuzz=(cargo +nightly fuzz)
    if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        fuzz=(env RUSTC_BOOTSTRAP=1 cargo +stable fuzz)
    fi
    local dir=$ROOT/rust-core/fuzz
    cargo run -q -p canhgiac-core --features fuzzing --example fuzz_seeds -- "$dir/corpus"
    say "building the fuzz targets (${fuzz[*]})"
    (cd "$dir" && "${fuzz[@]}" build -s none -O >/dev/null 2>&1) || (cd "$dir" && "${fuzz[@]}" build -s none -O)
    mkdir -p "$(dirname "$log")"
    : >"$log"
    for t in $FUZZ_TARGETS; do
        local dict
        case $t in
            snapshot|delta|feed_file) dict=feed ;;
            import_csv) dict=csv ;;
            *) dict=$t ;;
        esac
        mkdir -p "$dir/corpus/$t"
        # New inputs go to the first folder: the committed corpus, or a
        # scratch folder for the smoke test (which leaves the tree clean).
        local corpora=("corpus/$t")
        [ -z "$scratch" ] || { mkdir -p "$scratch/$t"; corpora=("$scratch/$t" "corpus/$t"); }
        say "fuzzing $t for up to ${seconds}s or 10,000,000 runs"
        local out
        out=$(cd "$dir" && "${fuzz[@]}" run -s none -O "$t" "${corpora[@]}" -- \
            -dict="dict/$dict.dict" -max_total_time="$seconds" -runs=10000000 \
            -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 2>&1) || {
            printf '%s\n' "$out" | tail -40 >&2
            die "fuzz target $t failed: the input is in rust-core/fuzz/artifacts/$t/"
        }
        local runs time
        runs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
        time=$(printf '%s\n' "$out" | sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p')
        printf '%s\t%s runs\t%s s\n' "$t" "$runs" "$time" | tee -a "$log"
    done
}

cmd_fuzz() {
    run_fuzz "${1:-3600}" "$BUILD/fuzz.tsv"
}

cmd_bindings() {
    generate_bindings "${1:-$BUILD/bindings/kotlin}"
}

cmd_android() {
    # android/build-android.sh checks for the SDK, NDK, cargo-ndk and Gradle
    # and says what is missing.
    exec "$ROOT/android/build-android.sh"
}

case "${1:-help}" in
    test) cmd_test ;;
    demo) cmd_demo ;;
    bench) cmd_bench ;;
    bindings) shift; cmd_bindings "$@" ;;
    fuzz) shift; cmd_fuzz "$@" ;;
    android) cmd_android ;;
    screenshots) cmd_screenshots ;;
    phone-lib) cmd_phone_lib ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
