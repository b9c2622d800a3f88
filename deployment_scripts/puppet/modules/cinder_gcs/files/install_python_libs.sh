#!/bin/bash
# Installs the bundled Google client libraries offline, for cinder-backup.
#
#   install_python_libs.sh verify  DISTS                check the files' hashes
#   install_python_libs.sh check   DISTS TARGET         exit 0 if TARGET holds them
#   install_python_libs.sh install DISTS TARGET PYTHON  verify, then install
#
# DISTS holds requirements.txt (name==version --hash=sha256:...) and the
# files pre_build_hook downloaded. Every file must match a pinned hash and
# every pin must have its file.
#
# No pip: Fuel 9 provisions nodes without python-pip, its mirror may not
# carry it, and Ubuntu 14.04's pip 1.5.4 breaks once Mitaka's requests is
# installed (Launchpad #1306991). Every wheel of the bundle is pure Python
# (py2.py3-none-any, no .data directory), so unpacking it is its whole
# install; the two sdists (oauth2client, httplib2) are installed by their
# own setup.py with the node's setuptools, as pip 1.5 would have run them.
# Runs under Ubuntu 14.04's bash and coreutils, Python 2.7 and setuptools
# 3.3.
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
        # An absolute path: setup.py runs in its source directory.
        python=$(command -v "$4") || { echo "ERROR: no Python at $4" >&2; exit 1; }
        [[ $python = /* ]] || python=$PWD/$python
        verify
        "$python" -c 'import setuptools' 2>/dev/null || {
            echo "ERROR: $python cannot import setuptools (package python-setuptools), which installs oauth2client and httplib2 from their sources" >&2
            exit 1
        }
        # Into a fresh directory, swapped in whole: a failed install leaves
        # the previous libraries in place.
        stage=$target.new work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        rm -rf "$stage"
        mkdir -p "$stage"
        # The libraries this replaces must not be what setup.py imports.
        unset PYTHONPATH
        for file in "${dist_files[@]}"; do
            case $file in
                *.whl)
                    "$python" -m zipfile -e "$file" "$stage"
                    ;;
                *.tar.gz)
                    tar -xzf "$file" -C "$work" &&
                    (cd "$work/$(basename "$file" .tar.gz)" &&
                        "$python" setup.py --quiet install --single-version-externally-managed \
                            --record "$work/installed-files" --install-lib "$stage" \
                            --install-scripts "$work/scripts" --install-data "$work/data" \
                            --install-headers "$work/headers")
                    ;;
            esac || {
                rm -rf "$stage"
                echo "ERROR: $python could not install $file of $dists into $target (output above)" >&2
                exit 1
            }
        done
        # Byte-compiled here, as root, as pip does (cinder-backup's user
        # cannot write them); a module that does not compile on 2.7 is one
        # no import reaches, as for pip, which ignores it too.
        "$python" -m compileall -q "$stage" >/dev/null || true
        cp "$requirements" "$stage/$(basename "$stamp")"
        rm -rf "$target.old"
        if [ -e "$target" ]; then mv "$target" "$target.old"; fi
        mv "$stage" "$target"
        rm -rf "$target.old"
        ;;
    *)
        echo "usage: $0 verify DISTS | check DISTS TARGET | install DISTS TARGET PYTHON" >&2
        exit 2
        ;;
esac
