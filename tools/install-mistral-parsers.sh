#!/usr/bin/env bash
# Install the two Mistral workbook parsers the workbook tests run:
#  - the current Mistral from PyPI, in .venv/mistral;
#  - Mistral 2.0.0 (Mitaka, what Fuel 9 controllers run), in
#    .venv/mistral-mitaka: its sdist unpacked (Python 2 only upstream, but
#    the DSL parser runs on Python 3 with the libraries below; the tests
#    stand in for the runtime modules it imports without using them).
# Each environment has a stamp; a second run reuses what is installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MISTRAL_VERSION=23.0.0
MITAKA_VERSION=2.0.0
# What Mitaka's parser imports, at versions that run on Python 3.11.
MITAKA_PARSER_DEPS=(six yaql jsonschema pyyaml eventlet oslo.utils oslo.log oslo.config
                    oslo.serialization oslo.concurrency oslo.db sqlalchemy)

if ! venv_is_current mistral "$0"; then
    new_venv mistral
    "$VENV_ROOT/mistral/bin/pip" install -q "mistral==$MISTRAL_VERSION"
    venv_done mistral "$0"
fi

mitaka_venv=$VENV_ROOT/mistral-mitaka
if ! venv_is_current mistral-mitaka "$0"; then
    new_venv mistral-mitaka
    "$mitaka_venv/bin/pip" install -q "${MITAKA_PARSER_DEPS[@]}"
    download=$(mktemp -d "${TMPDIR:-/tmp}/mistral-mitaka.XXXXXX")
    trap 'rm -rf "$download"' EXIT
    "$mitaka_venv/bin/pip" download -q --no-deps --no-binary :all: -d "$download" \
        "mistral==$MITAKA_VERSION"
    # The tests put src/mistral-<version> on PYTHONPATH.
    mkdir -p "$mitaka_venv/src"
    tar -xzf "$download/mistral-$MITAKA_VERSION.tar.gz" -C "$mitaka_venv/src"
    [ -f "$mitaka_venv/src/mistral-$MITAKA_VERSION/mistral/workbook/parser.py" ] \
        || die "the Mistral $MITAKA_VERSION sdist has no mistral/workbook/parser.py"
    venv_done mistral-mitaka "$0"
fi
