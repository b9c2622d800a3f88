#!/usr/bin/env bash
# Build the plugin RPM with fuel-plugin-builder and print its path last.
#
# fpb packages every file of the directory it builds, so the payload listed
# in tools/package-files.txt is staged into a work directory first.
# OUTPUT_DIR (default: the repository root) receives the RPM. FPB names
# another fuel-plugin-builder to run on the same staging (the tests build
# with the released one on Python 2.7 too, .venv/fpb-py27/bin/fpb).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fpb=${FPB:-$VENV_ROOT/fpb/bin/fpb}
[ -x "$fpb" ] || die "no fuel-plugin-builder at $fpb: run tools/install-deps.sh build (test, for .venv/fpb-py27)"
output_dir=${OUTPUT_DIR:-$TOP}
work=$(mktemp -d "${TMPDIR:-/tmp}/fpb-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/fuel-plugin-cinder-gcs

step "staging the plugin in $stage"
mkdir -p "$stage"
grep -v -e '^\s*#' -e '^\s*$' "$TOP/tools/package-files.txt" | while read -r path; do
    cp -a "$TOP/$path" "$stage/"
done
step "fpb --check"
"$fpb" --check "$stage"
step "fpb --build"
"$fpb" --build "$stage"
rpms=("$stage"/*.rpm)
[ ${#rpms[@]} -eq 1 ] && [ -f "${rpms[0]}" ] || die "fpb --build produced no single RPM: ${rpms[*]}"
mkdir -p "$output_dir"
cp "${rpms[0]}" "$output_dir/"
step "built"
echo "$output_dir/$(basename "${rpms[0]}")"
