#!/bin/bash
# Installs the bundled Google client libraries offline, for cinder-backup.
#
#   install_python_libs.sh verify  DISTS             check the files' hashes
#   install_python_libs.sh check   DISTS TARGET      exit 0 if TARGET holds them
#   install_python_libs.sh install DISTS TARGET PIP  verify, then install
#
# DISTS holds requirements.txt (name==version --hash=sha256:...) and the
# files pre_build_hook downloaded. Every file must match a pinned hash and
# every pin must have its file: the node's pip (1.5.4 on Ubuntu 14.04)
# checks no hashes and would pick any other file it found there.
# Runs under Ubuntu 14.04's bash and coreutils, with its pip 1.5.4 and
# setuptools 3.3.
set -euo pipefail

action=$1 dists=$2 target=${3:-}
requirements=$dists/requirements.txt
stamp=$target/.fuel-plugin-cinder-gcs-requirements

pinned=$(grep -o 'sha256:[0-9a-f]\{64\}' "$requirements" | cut -d: -f2)
mapfile -t dist_files < <(ls -1 "$dists"/*.whl "$dists"/*.tar.gz 2>/dev/null || true)

verify() {
    local file sum
    [ "${#dist_files[@]}" -eq "$(wc -l <<<"$pinned")" ] || {
        echo "ERROR: $dists holds ${#dist_files[@]} distributions, $(wc -l <<<"$pinned") are pinned" >&2
        exit 1
    }
    for file in "${dist_files[@]}"; do
        sum=$(sha256sum "$file" | cut -d' ' -f1)
        grep -qx "$sum" <<<"$pinned" || { echo "ERROR: $file matches no pinned hash" >&2; exit 1; }
    done
}

case $action in
    verify)
        verify
        ;;
    check)
        cmp -s "$requirements" "$stamp"
        ;;
    install)
        pip=$4
        verify
        # Into a fresh directory, swapped in whole: a failed install leaves
        # the previous libraries in place.
        rm -rf "$target.new"
        mkdir -p "$(dirname "$target")"
        # --no-deps: the files are the whole closure, and pip 1.5 stops at a
        # file given by path that another file's requirement also names
        # ("Double requirement given").
        if ! "$pip" install --no-index --no-deps --target "$target.new" "${dist_files[@]}"; then
            rm -rf "$target.new"
            echo "ERROR: $pip could not install the Google client libraries of $dists into $target (output above)" >&2
            exit 1
        fi
        cp "$requirements" "$target.new/$(basename "$stamp")"
        rm -rf "$target.old"
        if [ -e "$target" ]; then mv "$target" "$target.old"; fi
        mv "$target.new" "$target"
        rm -rf "$target.old"
        ;;
    *)
        echo "usage: $0 verify DISTS | check DISTS TARGET | install DISTS TARGET PIP" >&2
        exit 2
        ;;
esac
