#!/usr/bin/env bash
# Run `make test` (or the given command) on a fresh Debian 12 made on the
# spot: debootstrap a minimal bookworm, add what a bare machine image has
# (make, git, CA certificates), clone this repository's HEAD into it and run
# the command there in a chroot. It shows what the project's own files fail
# to install, which a run on a used machine hides.
#
#   tools/fresh-debian-check.sh [COMMAND]     (as root; default: make test)
#
# The host's CA bundle is copied in: where HTTPS goes through an
# intercepting proxy, the fresh system would otherwise trust no registry.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command=${1:-make test}
root=${FRESH_ROOT:-$TOP/.cache/fresh-debian}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap

step "creating a fresh Debian 12 in $root"
rm -rf "$root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
    || die "debootstrap failed: see $root.debootstrap.log"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/ca-bundle.crt"

step "cloning $(git -C "$TOP" rev-parse --short HEAD) into it"
git clone -q "$TOP" "$root/root/project"
# What no registry serves (cinder 8.1.1, Fuel 9's master code, Fuel 9's
# Puppet and modules), where a checkout beside ../shared finds it.
mitaka_vendor=${MITAKA_VENDOR:-$TOP/../shared/vendor/mitaka}
fuel9_vendor=${FUEL9_VENDOR:-$TOP/../shared/vendor/fuel9}
puppet38_vendor=${PUPPET38_VENDOR:-$TOP/../shared/vendor/puppet38}
mkdir -p "$root/root/shared/vendor"
cp -r "$mitaka_vendor" "$root/root/shared/vendor/mitaka"
cp -r "$fuel9_vendor" "$root/root/shared/vendor/fuel9"
cp -r "$puppet38_vendor" "$root/root/shared/vendor/puppet38"

in_fresh() {
    # A private mount namespace keeps every mount away from the host; the
    # bind mount of the root onto itself makes it a mount point, which
    # unshare(1) inside the chroot needs.
    unshare --mount bash -c '
        root=$1; shift
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs tmpfs "$root/tmp"
        exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive CI=true \
            SSL_CERT_FILE=/ca-bundle.crt PIP_CERT=/ca-bundle.crt \
            REQUESTS_CA_BUNDLE=/ca-bundle.crt bash -c "$*"
    ' in-fresh "$root" "$@"
}

step "adding what a bare machine image has: make, git, CA certificates"
in_fresh 'apt-get update -q && apt-get install -y -q --no-install-recommends make git ca-certificates' \
    >"$root.base.log" 2>&1 || die "base packages failed: see $root.base.log"

installed_packages() { in_fresh "dpkg-query -W -f='\${Package}\n'" | sort; }
installed_packages >"$root.before.txt"
step "running '$command' in the fresh system, cloned under its /root (mode $(stat -c %a "$root/root"))"
start=$(date +%s)
in_fresh "cd /root/project && $command"
elapsed=$(( $(date +%s) - start ))
installed_packages >"$root.after.txt"
comm -13 "$root.before.txt" "$root.after.txt" >"$root.added.txt"
step "'$command' passed on a fresh Debian 12 in $elapsed s; it installed $(wc -l <"$root.added.txt") Debian packages"
if [ "$command" = "make build" ]; then
    # The build must not bring the test stack's packages onto the machine.
    test_only=$(grep -v -e '^\s*#' -e '^\s*$' "$TOP/tools/apt-packages-test.txt" | sort \
        | comm -12 - "$root.added.txt")
    [ -z "$test_only" ] || die "'make build' installed test packages: $(echo $test_only)"
    step "none of them is a test or service package (tools/apt-packages-test.txt)"
fi
