#!/usr/bin/env bash
# A Fuel 9 master's software for tests/fuel_master/, from sources no registry
# serves (FUEL9_VENDOR, default ../shared/vendor/fuel9 beside the clone,
# checked against tools/fuel9-vendor.sha256) and from PyPI:
#   .cache/fuel-master/<tag>/fuel-web/nailgun
#       Nailgun (openstack/fuel-web) at 9.0, 9.1, 9.2 and mitaka-eol
#   .cache/fuel-master/<tag>/mitaka-9.0/deployment
#       fuel-library's tasks.yaml files of the same tag: Fuel's own graph
#       (`fuel rel --sync-deployment-tasks` takes a directory whose path
#       names the release's version, mitaka-9.0)
#   .cache/fuel-master/fuel-ui-<tag>/static, .cache/fuel-master/node_modules
#       the Fuel UI's expression language at 9.0 and mitaka-eol, and lodash
#       3.9.3 from npm, which the UI bundles as its 'underscore'
#   .venv/fuel-master                  Python 2.7 with Nailgun's requirements and
#                                      python-fuelclient 9.0.0 at Mitaka's pins
# Runs after tools/install-py27.sh, whose interpreter and Mitaka vendor it takes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$TOP/tools/py27.sh"

vendor=${FUEL9_VENDOR:-$TOP/../shared/vendor/fuel9}
mitaka_vendor=${MITAKA_VENDOR:-$TOP/../shared/vendor/mitaka}
sums=$TOP/tools/fuel9-vendor.sha256
tools_requirements=$TOP/tools/requirements-py27-tools.txt
overrides=$TOP/tools/requirements-fuel-master.txt
sources=$TOP/.cache/fuel-master
venv=$VENV_ROOT/fuel-master
TAGS=(9.0 9.1 9.2 mitaka-eol)
# npm's lodash 3.9.3, which fuel-ui's webpack configuration puts where its
# code imports 'underscore'; the registry's sha512 of the tarball.
LODASH_URL=https://registry.npmjs.org/lodash/-/lodash-3.9.3.tgz
LODASH_SHA512=bf948a6619c252e8dc4e91691c420964355c04cd8e62344ec7bdf61f227a933299b704ad4dbe0b1ba9e8aa62bd7ad1ea0cd85fe97ee2b57c79b34853a405cfa5

[ -f "$PY27_FOUND" ] || die "no Python 2.7 recorded in $PY27_FOUND: run tools/install-py27.sh first"
[ -f "$vendor/fuel-web-mitaka-eol-nailgun.tar.gz" ] || die "Fuel 9's master sources are not in $vendor: put there" \
    "what $sums names (git archive of openstack/fuel-web, fuel-library and fuel-ui at" \
    "the tags its README gives), or set FUEL9_VENDOR"
(cd "$vendor" && sha256sum -c --quiet "$sums") || die "$vendor does not hold the files $sums names"

step "unpacking Nailgun and fuel-library's tasks at ${TAGS[*]} into $sources"
for tag in "${TAGS[@]}"; do
    unpack "$vendor/fuel-web-$tag-nailgun.tar.gz" "$sources/$tag/fuel-web"
    unpack "$vendor/fuel-library-$tag-tasks.tar.gz" "$sources/$tag/mitaka-9.0"
done
for tag in 9.0 mitaka-eol; do
    unpack "$vendor/fuel-ui-$tag-expression.tar.gz" "$sources/fuel-ui-$tag"
done

lodash=$sources/node_modules/lodash
if [ ! -f "$lodash/package.json" ]; then
    step "fetching lodash 3.9.3 from the npm registry"
    download=$(mktemp -d)
    curl -fsS -o "$download/lodash.tgz" "$LODASH_URL" || die "cannot download $LODASH_URL"
    echo "$LODASH_SHA512  $download/lodash.tgz" | sha512sum -c --quiet - \
        || die "$LODASH_URL is not the lodash 3.9.3 the Fuel UI bundled"
    mkdir -p "$lodash"
    tar -xzf "$download/lodash.tgz" -C "$lodash" --strip-components=1
    rm -rf "$download"
fi

inputs=("$0" "$TOP/tools/py27.sh" "$tools_requirements" "$overrides" "$sums" "$PY27_FOUND")
if ! venv_is_current fuel-master "${inputs[@]}"; then
    py27_fetch_wheels "$tools_requirements" "$overrides"
    new_py27_venv fuel-master "$(cat "$PY27_FOUND")" "$tools_requirements"
    step "installing Nailgun's requirements and python-fuelclient 9.0.0 at Mitaka's pins (about a minute)"
    "$venv/bin/pip" install -q --no-index --find-links "$PY27_WHEELS" \
        $(grep -o '^[^ #]*==[^ ]*' "$overrides")
    # Nailgun's own list, less what the overrides replace; its setuptools
    # pin is for installing Nailgun itself, which runs from its sources.
    grep -v -i -E '^(psycopg2|web\.py|setuptools)' "$sources/mitaka-eol/fuel-web/nailgun/requirements.txt" \
        >"$venv/nailgun-requirements.txt"
    # web.py 0.37 is Fuel 9's (Mitaka's constraints have no pin for it):
    # unpinned, pip takes 0.51, whose cheroot needs a newer six than 1.10.0.
    PIP_CONSTRAINT=$mitaka_vendor/upper-constraints.txt "$venv/bin/pip" install -q \
        --use-deprecated=legacy-resolver -r "$venv/nailgun-requirements.txt" \
        web.py==0.37 python-fuelclient==9.0.0
    for tag in "${TAGS[@]}"; do
        # Nailgun logs its settings search at import: shown only if it fails.
        output=$(cd "$sources/$tag/fuel-web/nailgun" \
                 && "$venv/bin/python" -c 'import nailgun.app, nailgun.db' 2>&1) \
            || die "Nailgun $tag does not import in $venv: $output"
    done
    "$venv/bin/fuel" --help >/dev/null || die "python-fuelclient 9.0.0 does not start in $venv"
    venv_done fuel-master "${inputs[@]}"
fi
# Nailgun finds its extensions (the volume manager, which serializes every
# node) through its entry points: the metadata `pip install` would write.
for tag in "${TAGS[@]}"; do
    nailgun=$sources/$tag/fuel-web/nailgun
    if [ ! -d "$nailgun/nailgun.egg-info" ]; then
        (cd "$nailgun" && "$venv/bin/python" setup.py -q egg_info >/dev/null 2>&1) \
            || die "cannot write Nailgun $tag's package metadata (setup.py egg_info in $nailgun)"
    fi
done
