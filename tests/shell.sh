# Sourced by build.sh and tests/android/tools.sh: how the scripts speak, and
# how they install the Debian packages a check needs (once, quietly).

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_install() {
    command -v apt-get >/dev/null || die "need Debian packages: $* (no apt-get here; install them by hand)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian packages: $*"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
