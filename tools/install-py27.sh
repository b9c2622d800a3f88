#!/usr/bin/env bash
# The Python 2.7 environments the tests run Fuel 9's side in:
#   .venv/py27-node      an Ubuntu 14.04 node's installer: pip 1.5.4 and
#                        setuptools 3.3, nothing else
#   .venv/mitaka-cinder  Cinder 8.1.1 (Mitaka) with its dependencies at
#                        Mitaka's upper-constraints
# from CPython 2.7 found on this machine or Debian 11's (tools/py27.sh).
# PyPI has no cinder 8.1.1: its sdist and Mitaka's upper-constraints come
# from MITAKA_VENDOR (default ../shared/vendor/mitaka beside the clone),
# checked against tools/mitaka-vendor.sha256.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$TOP/tools/py27.sh"

vendor=${MITAKA_VENDOR:-$TOP/../shared/vendor/mitaka}
tools_requirements=$TOP/tools/requirements-py27-tools.txt
node_requirements=$TOP/tools/requirements-py27-node.txt

python=$(find_python27)
if [ "$python" = "$BULLSEYE_ROOT/usr/bin/python2.7" ]; then
    # Debian's pyconfig.h includes its multiarch copy by that path.
    export CFLAGS="-I$BULLSEYE_ROOT/usr/include${CFLAGS:+ $CFLAGS}"
fi
if [ "$(cat "$PY27_FOUND" 2>/dev/null)" != "$python" ]; then
    step "Python 2.7 for the Fuel 9 tests: $python"
    mkdir -p "$VENV_ROOT"
    echo "$python" >"$PY27_FOUND"
fi

if ! venv_is_current py27-node "$0" "$TOP/tools/py27.sh" "$node_requirements" "$PY27_FOUND"; then
    py27_fetch_wheels "$tools_requirements" "$node_requirements"
    new_py27_venv py27-node "$python" "$node_requirements"
    venv_done py27-node "$0" "$TOP/tools/py27.sh" "$node_requirements" "$PY27_FOUND"
fi

if ! venv_is_current mitaka-cinder "$0" "$TOP/tools/py27.sh" "$tools_requirements" \
        "$TOP/tools/mitaka-vendor.sha256" "$PY27_FOUND"; then
    [ -f "$vendor/cinder-8.1.1.tar.gz" ] || die "cinder 8.1.1 is not on PyPI: put its sdist" \
        "(openstack/cinder tag 8.1.1, 'setup.py sdist') and upper-constraints.txt" \
        "(openstack/requirements tag mitaka-eol) into $vendor, or set MITAKA_VENDOR"
    (cd "$vendor" && sha256sum -c --quiet "$TOP/tools/mitaka-vendor.sha256") \
        || die "$vendor does not hold the files tools/mitaka-vendor.sha256 names"
    py27_fetch_wheels "$tools_requirements"
    new_py27_venv mitaka-cinder "$python" "$tools_requirements"
    step "installing cinder 8.1.1 at Mitaka's upper-constraints (about 3 minutes the first time)"
    # The legacy resolver, as Mitaka's gate had: the 2016 pins conflict with
    # nothing, but the new resolver backtracks over their loose ranges.
    PIP_CONSTRAINT=$vendor/upper-constraints.txt "$VENV_ROOT/mitaka-cinder/bin/pip" install -q \
        --use-deprecated=legacy-resolver "$vendor/cinder-8.1.1.tar.gz"
    "$VENV_ROOT/mitaka-cinder/bin/python" -c 'import cinder.backup.drivers.google' \
        || die "cinder 8.1.1's GCS driver does not import in $VENV_ROOT/mitaka-cinder"
    venv_done mitaka-cinder "$0" "$TOP/tools/py27.sh" "$tools_requirements" \
        "$TOP/tools/mitaka-vendor.sha256" "$PY27_FOUND"
fi
