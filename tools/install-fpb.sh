#!/usr/bin/env bash
# Install fuel-plugin-builder 4.2.0 (Python 2 only upstream) into its own
# virtualenv and port it to Python 3 with tools/port_fpb.py.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FPB_VERSION=4.2.0
fpb_venv=$VENV_ROOT/fpb
port=$TOP/tools/port_fpb.py

if venv_is_current fpb "$0" "$port"; then
    exit 0
fi
new_venv fpb
# --no-deps: its pins (PyYAML 3.10, Mako 0.9.1) do not build on Python 3.11;
# the current releases of its dependencies work with the port.
"$fpb_venv/bin/pip" install -q --no-deps "fuel-plugin-builder==$FPB_VERSION"
"$fpb_venv/bin/pip" install -q pbr six Mako PyYAML jsonschema
step "porting fuel-plugin-builder to Python 3"
package_dir=$("$fpb_venv/bin/python" -c \
    'import os, importlib.util as u; print(os.path.dirname(u.find_spec("fuel_plugin_builder").origin))')
if ! "$fpb_venv/bin/python" "$port" "$package_dir"; then
    rm -rf "$fpb_venv"
    die "fuel-plugin-builder could not be ported; see the message above"
fi
"$fpb_venv/bin/fpb" --help >/dev/null || { rm -rf "$fpb_venv"; die "ported fpb does not start"; }
venv_done fpb "$0" "$port"
