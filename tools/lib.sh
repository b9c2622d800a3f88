# Shared by the tools/*.sh scripts: paths and one-line progress messages.
# shellcheck shell=bash
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_ROOT=${VENV_ROOT:-$TOP/.venv}
# Debian's own interpreter: the one a fresh Debian 12 machine has, and the one
# python3-lib2to3 (needed by the fuel-plugin-builder port) belongs to.
SYSTEM_PYTHON=/usr/bin/python3

step() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
