#!/usr/bin/env bash
# Install Sphinx and doc8 into .venv/docs for tools/build-docs.sh.
# Safe to run again: the environment is rebuilt only when
# tools/requirements-docs.txt changes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

docs_venv=$VENV_ROOT/docs
stamp=$docs_venv/.requirements
if cmp -s "$TOP/tools/requirements-docs.txt" "$stamp" 2>/dev/null; then
    exit 0
fi
step "creating the documentation environment in $docs_venv"
rm -rf "$docs_venv"
"$SYSTEM_PYTHON" -m venv "$docs_venv"
"$docs_venv/bin/pip" install -q -r "$TOP/tools/requirements-docs.txt"
cp "$TOP/tools/requirements-docs.txt" "$stamp"
