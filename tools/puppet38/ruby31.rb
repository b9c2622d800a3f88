# What Puppet 3.8.7 (2016) needs to load on Debian 12's Ruby 3.1, set up
# before it loads: none of it touches Puppet's language, parser or
# compiler, and its sources stay as released.

# puppet/util/monkey_patches.rb appends ':!SSLv2' to OpenSSL's default
# cipher list, which OpenSSL 3 leaves unset (nil). Nothing here uses SSL.
require 'openssl'
OpenSSL::SSL::SSLContext::DEFAULT_PARAMS[:ciphers] ||= +'DEFAULT'

# The safe_yaml Puppet bundles picks its engine from YAML::ENGINE (gone
# since Ruby 2.2; without it, it takes Ruby 1.8's syck) and keeps YAML.load
# as its unsafe load, which Psych 4 made safe. Psych, single-argument loads,
# and an unsafe load that is one.
require 'yaml'
module Psych
  ENGINE = Struct.new(:yamler).new('psych')

  def self.load(yaml)
    document = parse(yaml)
    document ? document.to_ruby : false
  end
end

# puppet/util/storage.rb requires the sync library, which Ruby 3 dropped,
# and the pkgdmg package provider (macOS) Facter 2's plist library, which
# Facter 4 dropped: neither is used on the way to a Linux catalog.
$LOADED_FEATURES << 'sync.rb' << 'facter/util/plist.rb'

# puppet/file_system/uniquefile.rb compares $SAFE, an ordinary global
# (nil) since Ruby 3.0, with a number.
$SAFE = 0

# Puppet's settings default to the domain fact, which Debian 12's Facter 4
# leaves unresolved (nil) on a host without a domain, where Facter 2 gave a
# value. A compile gives its node its own facts.
require 'facter'
Facter.add(:domain) { setcode { 'localdomain' } }

# Debian's vendor_ruby holds Puppet 7, whose types and providers Puppet
# 3.8's autoloader would find there (it searches the whole load path): out
# of the load path, with Facter, deep_merge (Hiera's deeper merge, as Fuel
# merges), xmlrpc and rubygems taken back through links of their own
# (tools/install-puppet38.sh).
# In vendor_ruby's place, before Ruby's own rubygems.
vendor_ruby = $LOAD_PATH.index { |dir| dir.include?('/vendor_ruby') }
$LOAD_PATH.reject! { |dir| dir.include?('/vendor_ruby') }
$LOAD_PATH.insert(vendor_ruby, File.expand_path('../../.cache/puppet38/rubylib', __dir__))
