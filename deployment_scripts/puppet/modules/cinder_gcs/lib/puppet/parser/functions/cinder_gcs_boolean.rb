# Written for the 3.x function API and Ruby 1.9, so it runs on Puppet 3.8
# (Fuel 9 nodes) and 7 alike; see PuppetX::CinderGcs::Settings.boolean.
require File.expand_path('../../../../puppet_x/cinder_gcs/settings', __FILE__)

module Puppet::Parser::Functions
  newfunction(:cinder_gcs_boolean, :type => :rvalue, :doc => <<-EOS
Returns the flag given (first argument) as true or false, the strings
"true" and "false" included; fails the catalog naming it (second argument)
for any other value, the empty string among them, which Puppet 3 and 4+
read differently in a condition.
    EOS
  ) do |args|
    unless args.length == 2
      raise Puppet::ParseError, 'cinder_gcs_boolean takes the flag and its name'
    end
    PuppetX::CinderGcs::Settings.boolean(args[1], args[0])
  end
end
