#!/usr/bin/env bash
# The Python 2.7 environments the tests run Fuel 9's side in:
#   .venv/py27-node      an Ubuntu 14.04 node's Python: setuptools 3.3,
#                        nothing else (no pip)
#   .venv/mitaka-cinder  Cinder 8.1.1 (Mitaka) with its dependencies at
#                        Mitaka's upper-constraints
#   .venv/mitaka-mistral Mistral 2.0.0 (Mitaka: what Fuel 9 controllers run)
#                        and a Fuel 9 operator's CLI (python-openstackclient
#                        2.3.1, python-mistralclient 2.0.0), at the same pins
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
mistral_requirements=$TOP/tools/requirements-mitaka-mistral.txt

check_vendor() {
    [ -f "$vendor/cinder-8.1.1.tar.gz" ] || die "cinder 8.1.1 is not on PyPI: put its sdist" \
        "(openstack/cinder tag 8.1.1, 'setup.py sdist') and upper-constraints.txt" \
        "(openstack/requirements tag mitaka-eol) into $vendor, or set MITAKA_VENDOR"
    (cd "$vendor" && sha256sum -c --quiet "$TOP/tools/mitaka-vendor.sha256") \
        || die "$vendor does not hold the files tools/mitaka-vendor.sha256 names"
}

# pip_at_mitaka_pins VENV ARGS...: pip install at Mitaka's upper-constraints,
# with the legacy resolver, as Mitaka's gate had: the 2016 pins conflict
# with nothing, but the new resolver backtracks over their loose ranges.
pip_at_mitaka_pins() {
    local venv=$1; shift
    PIP_CONSTRAINT=$vendor/upper-constraints.txt "$venv/bin/pip" install -q \
        --use-deprecated=legacy-resolver "$@"
}

python=$(find_python27)
if [ "$(cat "$PY27_FOUND" 2>/dev/null)" != "$python" ]; then
    step "Python 2.7 for the Fuel 9 tests: $python"
    mkdir -p "$VENV_ROOT"
    echo "$python" >"$PY27_FOUND"
fi

node_inputs=("$0" "$TOP/tools/py27.sh" "$node_requirements" "$PY27_FOUND")
if ! venv_is_current py27-node "${node_inputs[@]}"; then
    py27_fetch_wheels "$tools_requirements" "$node_requirements"
    new_py27_venv py27-node "$python" "$node_requirements"
    venv_done py27-node "${node_inputs[@]}"
fi

cinder_inputs=("$0" "$TOP/tools/py27.sh" "$tools_requirements" "$TOP/tools/mitaka-vendor.sha256"
               "$PY27_FOUND")
if ! venv_is_current mitaka-cinder "${cinder_inputs[@]}"; then
    check_vendor
    py27_fetch_wheels "$tools_requirements"
    new_py27_venv mitaka-cinder "$python" "$tools_requirements"
    step "installing cinder 8.1.1 at Mitaka's upper-constraints (about 3 minutes the first time)"
    pip_at_mitaka_pins "$VENV_ROOT/mitaka-cinder" "$vendor/cinder-8.1.1.tar.gz"
    "$VENV_ROOT/mitaka-cinder/bin/python" -c 'import cinder.backup.drivers.google' \
        || die "cinder 8.1.1's GCS driver does not import in $VENV_ROOT/mitaka-cinder"
    venv_done mitaka-cinder "${cinder_inputs[@]}"
fi

mistral_venv=$VENV_ROOT/mitaka-mistral
mistral_inputs=("$0" "$TOP/tools/py27.sh" "$tools_requirements" "$TOP/tools/mitaka-vendor.sha256"
                "$mistral_requirements" "$PY27_FOUND")
if ! venv_is_current mitaka-mistral "${mistral_inputs[@]}"; then
    check_vendor
    py27_fetch_wheels "$tools_requirements" "$mistral_requirements"
    new_py27_venv mitaka-mistral "$python" "$tools_requirements"
    step "installing Mistral 2.0.0 and Mitaka's CLI at Mitaka's upper-constraints (about 3 minutes the first time)"
    wheels=(--no-index --find-links "$PY27_WHEELS")
    # Outside the constraints, which pin the unbuildable psycopg2 2.6.1.
    "$mistral_venv/bin/pip" install -q "${wheels[@]}" psycopg2-binary==2.8.6
    pip_at_mitaka_pins "$mistral_venv" mistral==2.0.0 python-openstackclient python-mistralclient
    "$mistral_venv/bin/pip" install -q "${wheels[@]}" setuptools==20.7.0
    "$mistral_venv/bin/python" -c '
import pkg_resources
for name, version in [("mistral", "2.0.0"), ("yaql", "1.1.0"), ("python-cinderclient", "1.6.0"),
                      ("python-openstackclient", "2.3.1"), ("python-mistralclient", "2.0.0"),
                      ("setuptools", "20.7.0")]:
    found = pkg_resources.get_distribution(name).version
    assert found == version, (name, found)
import mistral.api.app, mistral.engine.default_engine, mistral.actions.openstack.actions' \
        || die "Mistral 2.0.0 does not import at Mitaka's versions in $mistral_venv"
    venv_done mitaka-mistral "${mistral_inputs[@]}"
fi
