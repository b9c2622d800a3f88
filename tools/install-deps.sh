#!/usr/bin/env bash
# Install everything the build and the tests need on a Debian 12 machine.
# Safe to run again: it installs only what is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages() {
    local pkg
    grep -v -e '^\s*#' -e '^\s*$' "$TOP/tools/apt-packages.txt" | while read -r pkg; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$pkg"
    done
    # The regex tests evaluate the UI's patterns with Node, as the Fuel UI does;
    # any Node will do, so take Debian's only when none is installed.
    command -v node >/dev/null || echo nodejs
}

step "checking Debian packages"
mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# fuel-plugin-builder calls 'createrepo'; Debian ships the compatible
# implementation only as createrepo_c.
if ! command -v createrepo >/dev/null; then
    step "providing createrepo (createrepo_c)"
    as_root ln -sf "$(command -v createrepo_c)" /usr/local/bin/createrepo
fi

requirements=$TOP/tools/requirements-test.txt
if ! venv_is_current test "$requirements"; then
    new_venv test
    "$VENV_ROOT/test/bin/pip" install -q -r "$requirements"
    venv_done test "$requirements"
fi

"$TOP/tools/install-fpb.sh"
"$TOP/tools/install-mistral-parsers.sh"
"$TOP/tools/fetch-storage-discovery.sh"
"$TOP/tools/install-stack.sh"
"$TOP/tools/install-docs.sh"
step "dependencies ready"
