"""The plugin's deploy-time settings checks (PuppetX::CinderGcs::Settings, what
cinder_gcs_validate_settings() runs), in one Ruby process with Puppet loaded
for many cases at once: faster than a `puppet apply` per case, and the same
code (tests/puppet/test_backup_task.py applies it end to end)."""

import json
import subprocess

from support.project import REPO

CHECKS = (REPO / 'deployment_scripts' / 'puppet' / 'modules' / 'cinder_gcs' / 'lib'
          / 'puppet_x' / 'cinder_gcs' / 'settings.rb')
RUNNER = """
require 'puppet'
require 'json'
require ARGV[0]
checks = PuppetX::CinderGcs::Settings
input = JSON.parse(STDIN.read)
messages = input['cases'].zip(input['storages']).map do |settings, storage|
  begin
    checks.check_volume_backend(storage) if storage
    checks.check(settings)
    nil
  rescue Puppet::ParseError => e
    e.message
  end
end
patterns = Hash[checks::PATTERNS.map { |name, (pattern, _)| [name, pattern.source] }]
puts JSON.generate('messages' => messages, 'patterns' => patterns,
                   'storage_classes' => checks::STORAGE_CLASSES)
"""


def run_checks(cases, storages=None):
    """{'messages': the check's message for each case of CASES (None when it
    passed), 'patterns': each PATTERNS regex's source, 'storage_classes'}.
    STORAGES, one per case: Fuel's storage settings the check task checks
    first (None: not checked, as in the backup task)."""
    storages = storages or [None] * len(cases)
    result = subprocess.run(['ruby', '-e', RUNNER, str(CHECKS)],
                            input=json.dumps({'cases': cases, 'storages': storages}),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)
