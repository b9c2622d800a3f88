# Compiles a task manifest with Puppet 3.8.7 (run by tools/puppet38/ruby,
# with its load-time changes) once per node's Hiera data, in
# one process, as a Fuel 9 node's `puppet apply` compiles it, and converts
# each catalog to the agent's form (to_ral), which validates every
# resource's parameters. Reads JSON from stdin: manifest, modulepath, work
# (an empty directory), hiera_config, facts, cases (Hiera data, one per
# node); prints a JSON list: per case, {"resources": {ref: parameters}} or
# {"error": text}.
require 'json'
require 'yaml'
require 'puppet'

request = JSON.parse(STDIN.read)
work = request['work']
# One data file per case, the level of Hiera's hierarchy (hiera_config)
# named by the fact fuel_case: Hiera 1.3's YAML backend caches a file by its
# modification time, to the second.
request['cases'].each_with_index do |data, index|
  File.write(File.join(work, "case-#{index}.yaml"), data.to_yaml)
end
Puppet.initialize_settings(['--confdir', work, '--vardir', work, '--modulepath', request['modulepath'],
                            '--hiera_config', request['hiera_config']])
Puppet[:code] = File.read(request['manifest'])

def plain(value)
  value.is_a?(Array) ? value.map { |item| item.to_s } : value.to_s
end

results = request['cases'].each_index.map do |index|
  facts = request['facts'].merge('fuel_case' => "case-#{index}")
  node = Puppet::Node.new(facts['fqdn'], :parameters => facts)
  begin
    catalog = Puppet::Parser::Compiler.compile(node).to_ral
    { 'resources' => Hash[catalog.resources.map do |resource|
      [resource.ref, Hash[resource.to_hash.map { |name, value| [name.to_s, plain(value)] }]]
    end] }
  rescue Puppet::Error => e
    { 'error' => e.message }
  end
end
puts JSON.generate(results)
