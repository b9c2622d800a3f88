#!/usr/bin/env bash
# Install the current Mistral from PyPI in .venv/mistral: the workbook tests
# run its parser beside Mistral 2.0.0's (Mitaka, what Fuel 9 controllers run),
# which tools/install-py27.sh installs on Python 2.7 in .venv/mitaka-mistral.
# A second run reuses what is installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MISTRAL_VERSION=23.0.0
# The parser validates each of the workbook's ~260 specs with
# jsonschema.validate(), which from jsonschema 4 on checks the schema itself
# again on every call: 37 s a parse with 4.26, 3 s with 3.2.0 (the floor of
# Mistral's requirements; its schemas are draft 4, validated alike).
JSONSCHEMA_VERSION=3.2.0

if ! venv_is_current mistral "$0"; then
    new_venv mistral
    "$VENV_ROOT/mistral/bin/pip" install -q "mistral==$MISTRAL_VERSION" \
        "jsonschema==$JSONSCHEMA_VERSION"
    venv_done mistral "$0"
fi
