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

step "running '$command' in the fresh system"
start=$(date +%s)
in_fresh "cd /root/project && $command"
step "'$command' passed on a fresh Debian 12 in $(( $(date +%s) - start )) s"
