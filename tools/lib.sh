# Shared by the tools/*.sh scripts: paths and one-line progress messages.
# shellcheck shell=bash
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_ROOT=${VENV_ROOT:-$TOP/.venv}
# Debian's own interpreter: the one a fresh Debian 12 machine has, and the one
# python3-lib2to3 (needed by the fuel-plugin-builder port) belongs to.
SYSTEM_PYTHON=/usr/bin/python3

step() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Tool virtualenvs under $VENV_ROOT, rebuilt only when what they are built
# from changes. Usage:
#   if ! venv_is_current NAME FILE...; then
#       new_venv NAME; <install into $VENV_ROOT/NAME>; venv_done NAME FILE...
#   fi
# FILEs are what the environment is built from (requirements, the install
# script itself): a change to any of them rebuilds it.
venv_is_current() {
    local name=$1; shift
    cat "$@" | cmp -s - "$VENV_ROOT/$name/.built-from" 2>/dev/null
}
new_venv() {
    step "creating the $1 environment in $VENV_ROOT/$1"
    # What the script installs next comes from the package index alone,
    # whatever pip configuration the machine has (extra indexes, find-links,
    # constraints): the same pins give the same environment on a fresh machine.
    export PIP_CONFIG_FILE=/dev/null
    unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT
    rm -rf "${VENV_ROOT:?}/$1"
    "$SYSTEM_PYTHON" -m venv "$VENV_ROOT/$1"
}
venv_done() {
    local name=$1; shift
    cat "$@" > "$VENV_ROOT/$name/.built-from"
}

# unpack TARBALL DIR: the tarball's one top directory becomes DIR, kept while
# the tarball is the same.
unpack() {
    local tarball=$1 dir=$2 stamp
    stamp=$(sha256sum "$tarball" | cut -d' ' -f1)
    [ "$(cat "$dir/.unpacked-from" 2>/dev/null)" = "$stamp" ] && return 0
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$tarball" -C "$dir" --strip-components=1
    echo "$stamp" >"$dir/.unpacked-from"
}
