#!/usr/bin/env bash
# Fetch Google's storage v1 discovery document into .cache/ once, so that
# tests/pylibs can build the storage client offline, as Mitaka's driver
# builds it. The document ships in google-api-python-client 2.x, pinned here
# by hash; only the JSON file is kept.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

GAPI_VERSION=2.108.0
GAPI_SHA256=9d1327213e388943ebcd7db5ce6e7f47987a7e6874e3e1f6116010eea4a0e75d
MEMBER=googleapiclient/discovery_cache/documents/storage.v1.json
doc=$TOP/.cache/discovery/storage.v1.json

[ -f "$doc" ] && exit 0
step "fetching the storage v1 discovery document (google-api-python-client $GAPI_VERSION)"
work=$(mktemp -d "${TMPDIR:-/tmp}/discovery.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "google-api-python-client==$GAPI_VERSION --hash=sha256:$GAPI_SHA256" >"$work/requirements.txt"
"$SYSTEM_PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
    --require-hashes --only-binary :all: --dest "$work" --requirement "$work/requirements.txt"
mkdir -p "$(dirname "$doc")"
"$SYSTEM_PYTHON" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    "$work"/*.whl "$MEMBER" >"$doc.tmp"
mv "$doc.tmp" "$doc"
