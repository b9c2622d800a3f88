#!/usr/bin/env bash
# Check and build the user guide: doc8 on the guide and the specs, every
# spec through docutils with warnings as errors, then Sphinx HTML with
# warnings as errors.
#
# DOCS_SOURCE (default: doc/) is the Sphinx source; DOCS_OUTPUT (default:
# .cache/docs) receives html/ and doctrees/. The last line printed is the
# path of the HTML index.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

docs_venv=$VENV_ROOT/docs
[ -x "$docs_venv/bin/sphinx-build" ] || die "Sphinx is not installed: run tools/install-docs.sh"
source_dir=${DOCS_SOURCE:-$TOP/doc}
output_dir=${DOCS_OUTPUT:-$TOP/.cache/docs}
command -v dot >/dev/null || die "Graphviz 'dot' is missing: run tools/install-deps.sh"

step "doc8 $source_dir $TOP/specs"
"$docs_venv/bin/doc8" --quiet "$source_dir" "$TOP/specs"
step "docutils --strict on the specs"
for spec in "$TOP"/specs/*.rst; do
    "$docs_venv/bin/python" -m docutils --strict "$spec" /dev/null
done
step "sphinx-build -W -b html into $output_dir/html"
"$docs_venv/bin/sphinx-build" -W --keep-going -q -b html \
    -d "$output_dir/doctrees" "$source_dir" "$output_dir/html"
step "built"
echo "$output_dir/html/index.html"
