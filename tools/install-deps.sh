#!/usr/bin/env bash
# Install what the build, or the tests, need on a Debian 12 machine:
#   tools/install-deps.sh build   the RPM tools and fuel-plugin-builder only
#   tools/install-deps.sh [test]  that, plus Puppet, the docs toolchain, the
#                                 workbook parsers, Fuel 9's Puppet 3.8.7,
#                                 the Python 2.7
#                                 environments (Fuel 9's side, the released
#                                 fuel-plugin-builder, the Fuel 9 masters) and
#                                 the system-test stack
# Safe to run again: it installs only what is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

profile=${1:-test}
case "$profile" in
build) lists=(apt-packages-build.txt) ;;
test) lists=(apt-packages-build.txt apt-packages-test.txt) ;;
*) die "usage: $0 [build|test]" ;;
esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages() {
    local list pkg
    for list in "${lists[@]}"; do
        grep -v -e '^\s*#' -e '^\s*$' "$TOP/tools/$list"
    done | while read -r pkg; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$pkg"
    done
    # The regex tests evaluate the UI's patterns with Node, as the Fuel UI does;
    # any Node will do, so take Debian's only when none is installed.
    if [ "$profile" = test ]; then command -v node >/dev/null || echo nodejs; fi
}

step "checking Debian packages ($profile)"
mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    # Postfix only as the stack's relay, started by the stack with its own
    # configuration: the machine's own mail system stays unconfigured and off.
    echo 'postfix postfix/main_mailer_type select No configuration' \
        | as_root debconf-set-selections
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# fuel-plugin-builder calls 'createrepo'; Debian ships the compatible
# implementation only as createrepo_c.
if ! command -v createrepo >/dev/null; then
    step "providing createrepo (createrepo_c)"
    as_root ln -sf "$(command -v createrepo_c)" /usr/local/bin/createrepo
fi
"$TOP/tools/install-fpb.sh"
if [ "$profile" = build ]; then
    step "build dependencies ready"
    exit 0
fi

requirements=$TOP/tools/requirements-test.txt
if ! venv_is_current test "$requirements"; then
    new_venv test
    "$VENV_ROOT/test/bin/pip" install -q -r "$requirements"
    venv_done test "$requirements"
fi
"$TOP/tools/install-mistral-parsers.sh"
"$TOP/tools/install-puppet38.sh"
"$TOP/tools/install-py27.sh"
"$TOP/tools/install-fpb-py27.sh"
"$TOP/tools/install-fuel-master.sh"
"$TOP/tools/fetch-storage-discovery.sh"
"$TOP/tools/install-stack.sh"
"$TOP/tools/install-docs.sh"
step "test dependencies ready"
