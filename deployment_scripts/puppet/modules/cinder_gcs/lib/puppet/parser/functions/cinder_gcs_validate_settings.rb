# Checks the plugin's settings before Puppet changes anything.
#
# A Ruby function rather than Puppet code because Puppet 3.8 (Fuel 9 nodes)
# has no iteration and no JSON parser, and arithmetic on the strings Fuel
# passes warns on Puppet 7. Written for the 3.x function API and Ruby 1.9,
# so it runs on both.
#
# Every message names the setting it is about and never quotes the value of
# gcs_service_account_key: the private key must not reach Puppet's logs.
#
# The checks live in puppet_x/: Puppet 7 rejects method definitions in a
# legacy function's file.
require File.expand_path('../../../../puppet_x/cinder_gcs/settings', __FILE__)

module Puppet::Parser::Functions
  newfunction(:cinder_gcs_validate_settings, :doc => <<-EOS
Fails the catalog with a message naming the setting when one of the
fuel-plugin-cinder-gcs settings (the Hiera hash fuel-plugin-cinder-gcs) is
invalid; never quotes the service account key. Given Fuel's storage
settings (the Hiera hash storage) as well, it first fails when neither
Cinder LVM nor Ceph RBD volumes are enabled.
    EOS
  ) do |args|
    unless [1, 2].include?(args.length)
      raise Puppet::ParseError, 'cinder_gcs_validate_settings takes the settings hash ' \
        'and, optionally, the storage hash'
    end
    PuppetX::CinderGcs::Settings.check_volume_backend(args[1]) if args.length == 2
    PuppetX::CinderGcs::Settings.check(args[0])
  end
end
