#!/usr/bin/env bash
# Install fuel-plugin-builder 4.2.0 exactly as released, on Python 2.7 as on
# a Fuel 9 master, into .venv/fpb-py27: the tests build the plugin with it
# as well as with the Python 3 port `make build` uses (tools/install-fpb.sh).
# Runs after tools/install-py27.sh, whose interpreter it takes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$TOP/tools/py27.sh"

fpb_venv=$VENV_ROOT/fpb-py27
tools_requirements=$TOP/tools/requirements-py27-tools.txt
requirements=$TOP/tools/requirements-fpb-py27.txt
inputs=("$0" "$TOP/tools/py27.sh" "$tools_requirements" "$requirements" "$PY27_FOUND")

[ -f "$PY27_FOUND" ] || die "no Python 2.7 recorded in $PY27_FOUND: run tools/install-py27.sh first"
if venv_is_current fpb-py27 "${inputs[@]}"; then
    exit 0
fi
py27_fetch_wheels "$tools_requirements"
new_py27_venv fpb-py27 "$(cat "$PY27_FOUND")" "$tools_requirements"
step "installing fuel-plugin-builder 4.2.0 on Python 2.7"
# --no-deps: the file pins the whole closure; pip check proves it is whole.
"$fpb_venv/bin/pip" install -q --require-hashes --no-deps --requirement "$requirements"
if ! problems=$("$fpb_venv/bin/pip" check); then
    rm -rf "$fpb_venv"
    die "$requirements does not pin the whole closure: $problems"
fi
"$fpb_venv/bin/fpb" --help >/dev/null || { rm -rf "$fpb_venv"; die "fpb on Python 2.7 does not start"; }
venv_done fpb-py27 "${inputs[@]}"
