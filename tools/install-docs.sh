#!/usr/bin/env bash
# Install Sphinx and doc8 into .venv/docs for tools/build-docs.sh.
# Safe to run again: the environment is rebuilt only when
# tools/requirements-docs.txt changes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

requirements=$TOP/tools/requirements-docs.txt
if ! venv_is_current docs "$requirements"; then
    new_venv docs
    "$VENV_ROOT/docs/bin/pip" install -q -r "$requirements"
    venv_done docs "$requirements"
fi
