#!/usr/bin/env bash
# Fuel 9's Puppet for tests/puppet38/: Puppet 3.8.7 and Hiera 1.3.4 (lib/
# only) and the modules Fuel 9.1+ pins (stdlib 4.9.0, inifile 1.4.2,
# openstacklib 8.2.0, puppet-cinder 72ef0ce9), from PUPPET38_VENDOR (default
# ../shared/vendor/puppet38 beside the clone: no registry serves them),
# checked against tools/puppet38-vendor.sha256, unpacked unmodified into
# .cache/puppet38. tools/puppet38/puppet runs them on Debian 12's Ruby.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

vendor=${PUPPET38_VENDOR:-$TOP/../shared/vendor/puppet38}
sums=$TOP/tools/puppet38-vendor.sha256
dest=$TOP/.cache/puppet38

[ -f "$vendor/puppet-3.8.7.tar.gz" ] || die "Puppet 3.8.7 is not in $vendor: put there what" \
    "$sums names (git archive of puppetlabs/puppet 3.8.7, hiera 1.3.4 and the modules" \
    "its README gives), or set PUPPET38_VENDOR"
(cd "$vendor" && sha256sum -c --quiet "$sums") || die "$vendor does not hold the files $sums names"

step "unpacking Puppet 3.8.7, Hiera 1.3.4 and Fuel 9's pinned modules into $dest"
unpack "$vendor/puppet-3.8.7.tar.gz" "$dest/puppet"
unpack "$vendor/hiera-1.3.4.tar.gz" "$dest/hiera"
unpack "$vendor/puppetlabs-stdlib-4.9.0.tar.gz" "$dest/modules/stdlib"
unpack "$vendor/puppetlabs-inifile-1.4.2.tar.gz" "$dest/modules/inifile"
unpack "$vendor/puppet-openstacklib-8.2.0.tar.gz" "$dest/modules/openstacklib"
unpack "$vendor/puppet-cinder-72ef0ce9.tar.gz" "$dest/modules/cinder"
# What tools/puppet38/ruby31.rb takes back from Debian's vendor_ruby (Puppet
# 7's home, which it takes off the load path): links to Facter, deep_merge,
# xmlrpc and rubygems, all from the puppet package's dependencies.
mkdir -p "$dest/rubylib"
for name in facter deep_merge xmlrpc rubygems; do
    for entry in "$name" "$name.rb"; do
        [ -e "/usr/lib/ruby/vendor_ruby/$entry" ] || die "no /usr/lib/ruby/vendor_ruby/$entry: is Debian's puppet installed?"
        ln -sfn "/usr/lib/ruby/vendor_ruby/$entry" "$dest/rubylib/$entry"
    done
done
"$TOP/tools/puppet38/puppet" --version | grep -qx 3.8.7 || die "Puppet 3.8.7 does not start"
