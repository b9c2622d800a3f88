# Python 2.7 for the tests of what Fuel 9 nodes run (Ubuntu 14.04, Mitaka):
# sourced by tools/install-py27.sh after lib.sh.
# shellcheck shell=bash

PY27_CACHE=$TOP/.cache/python2.7
PY27_WHEELS=$PY27_CACHE/wheels
# Where tools/install-py27.sh records the interpreter it found.
PY27_FOUND=$VENV_ROOT/python2.7-interpreter
# Debian 11 (bullseye) is the last Debian with Python 2.7; its packages run
# on Debian 12 once unpacked, beside the two libraries Debian 12 lacks.
BULLSEYE_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BULLSEYE_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
BULLSEYE_PACKAGES=(python2.7 python2.7-minimal libpython2.7 libpython2.7-minimal
    libpython2.7-stdlib python2.7-dev libpython2.7-dev libssl1.1 libffi7)
BULLSEYE_ROOT=$PY27_CACHE/bullseye

# What the environments need of the interpreter (pip: ssl, hashlib; Cinder:
# sqlite3; virtualenv and C extensions: the rest).
py27_usable() {
    "$1" -c 'import sys, ssl, hashlib, sqlite3, zlib, bz2, ctypes, json
assert sys.version_info[:2] == (2, 7)' >/dev/null 2>&1
}

# CPython 2.7 of this machine: $PYTHON27, pyenv's 2.7.18, python2.7 on PATH,
# in that order; prints nothing if none works.
py27_of_this_machine() {
    local candidate pyenv_root
    local candidates=()
    [ -n "${PYTHON27:-}" ] && candidates+=("$PYTHON27")
    if pyenv_root=$(pyenv root 2>/dev/null); then
        candidates+=("$pyenv_root/versions/2.7.18/bin/python2.7")
    fi
    candidate=$(PYENV_VERSION=2.7.18 command -v python2.7 2>/dev/null) && candidates+=("$candidate")
    for candidate in "${candidates[@]}"; do
        if PYENV_VERSION=2.7.18 py27_usable "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    if [ -n "${PYTHON27:-}" ]; then
        die "PYTHON27=$PYTHON27 is not a usable CPython 2.7 (it needs ssl, hashlib, sqlite3, zlib, bz2, ctypes)"
    fi
}

# Debian 11's python2.7 unpacked into $BULLSEYE_ROOT, each file checked:
# InRelease signed by Debian's archive key, Packages.xz by InRelease, each
# .deb by Packages.xz. Prints the interpreter.
py27_from_bullseye() {
    local dists=$BULLSEYE_MIRROR/dists/bullseye work=$PY27_CACHE/bullseye-download
    local python=$BULLSEYE_ROOT/usr/bin/python2.7
    if [ -x "$python" ] && py27_usable "$python"; then
        echo "$python"
        return 0
    fi
    command -v gpgv >/dev/null || die "gpgv is needed to check Debian 11's packages"
    command -v patchelf >/dev/null || die "patchelf is needed to point Debian 11's python2.7 at its libraries"
    step "no CPython 2.7 on this machine: unpacking Debian 11's python2.7 into $BULLSEYE_ROOT" >&2
    rm -rf "$work" "$BULLSEYE_ROOT"
    mkdir -p "$work" "$BULLSEYE_ROOT"
    curl -fsS -o "$work/InRelease" "$dists/InRelease" || die "cannot download $dists/InRelease"
    gpgv --keyring "$BULLSEYE_KEYRING" --output "$work/Release" "$work/InRelease" 2>"$work/gpgv.log" \
        || die "Debian 11's InRelease has no valid signature: $(cat "$work/gpgv.log")"
    curl -fsS -o "$work/Packages.xz" "$dists/main/binary-amd64/Packages.xz"
    local sum
    sum=$(awk '/^SHA256:/ {s=1; next} /^[^ ]/ {s=0} s && $3 == "main/binary-amd64/Packages.xz" {print $1}' \
        "$work/Release")
    echo "$sum  $work/Packages.xz" | sha256sum -c --quiet - || die "Packages.xz does not match InRelease"
    xz -d "$work/Packages.xz"
    local package filename
    for package in "${BULLSEYE_PACKAGES[@]}"; do
        read -r filename sum < <(awk -v p="$package" '
            /^Package: / {name = $2}
            name == p && /^Filename: / {f = $2}
            name == p && /^SHA256: / {print f, $2; exit}' "$work/Packages")
        [ -n "$filename" ] || die "Debian 11 has no package $package"
        curl -fsS -o "$work/$package.deb" "$BULLSEYE_MIRROR/$filename"
        echo "$sum  $work/$package.deb" | sha256sum -c --quiet - || die "$filename does not match Packages"
        dpkg-deb -x "$work/$package.deb" "$BULLSEYE_ROOT"
    done
    rm -rf "$work"
    # Its extension modules find libssl1.1 and libffi7 beside them, in every
    # process: pip runs setup.py with the bare interpreter, so a wrapper
    # setting LD_LIBRARY_PATH would not do.
    local module
    for module in "$BULLSEYE_ROOT"/usr/lib/python2.7/lib-dynload/*.so; do
        patchelf --set-rpath '$ORIGIN/../../x86_64-linux-gnu' "$module"
    done
    py27_usable "$python" || die "Debian 11's python2.7 does not run here: try $python -c 'import ssl'"
    echo "$python"
}

# The interpreter the Python 2.7 environments are made from.
find_python27() {
    local found
    found=$(py27_of_this_machine)
    [ -n "$found" ] || found=$(py27_from_bullseye)
    [ -n "$found" ] || die "no CPython 2.7: set PYTHON27, install pyenv's 2.7.18, or let this script reach $BULLSEYE_MIRROR"
    echo "$found"
}

# The wheels of tools/requirements-py27-*.txt, checked by hash.
py27_fetch_wheels() {
    local requirements
    mkdir -p "$PY27_WHEELS"
    for requirements in "$@"; do
        PIP_CONFIG_FILE=/dev/null "$VENV_ROOT/test/bin/pip" download -q --disable-pip-version-check \
            --no-deps --require-hashes --only-binary :all: --python-version 2.7 \
            --dest "$PY27_WHEELS" --requirement "$requirements"
    done
}

# new_py27_venv NAME PYTHON PIP_REQUIREMENTS: a virtualenv of PYTHON under
# $VENV_ROOT with only the packaging tools PIP_REQUIREMENTS pins, and none of
# the host's pip configuration; what the caller compiles next finds the
# interpreter's headers.
new_py27_venv() {
    local name=$1 python=$2 tools=$3 venv=$VENV_ROOT/$1
    step "creating the Python 2.7 environment $name in $venv"
    export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_PYTHON_VERSION_WARNING=1
    unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT
    if [ "$python" = "$BULLSEYE_ROOT/usr/bin/python2.7" ]; then
        # Debian's pyconfig.h includes its multiarch copy by that path.
        export CFLAGS="-I$BULLSEYE_ROOT/usr/include${CFLAGS:+ $CFLAGS}"
    fi
    rm -rf "$venv"
    PYTHONPATH=$PY27_WHEELS/virtualenv-16.7.12-py2.py3-none-any.whl PYENV_VERSION=2.7.18 \
        "$python" -m virtualenv -q --no-download --no-pip --no-setuptools --no-wheel "$venv" >/dev/null
    # pip 20.3.4 runs from its own wheel to install the pinned tools offline.
    "$venv/bin/python" "$PY27_WHEELS/pip-20.3.4-py2.py3-none-any.whl/pip" install -q \
        --no-index --find-links "$PY27_WHEELS" \
        $(grep -o '^[^ #]*==[^ ]*' "$tools")
}
