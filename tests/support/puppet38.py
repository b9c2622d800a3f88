"""Puppet 3.8.7, the Puppet of Fuel 9's nodes, here: its parser and its
compiler, unmodified, with Fuel 9's pinned modules (stdlib 4.9.0, inifile
1.4.2, openstacklib 8.2.0, puppet-cinder 72ef0ce9), as
tools/install-puppet38.sh unpacks them, run on Debian 12's Ruby 3.1 with
the load-time changes of tools/puppet38/ruby31.rb: its parser, its
compiler (the catalog in the agent's form), and `puppet apply` in the Puppet
tests' sandbox (tests/support/puppet_sandbox.py), where its providers act on
the sandbox's files and stub init scripts."""

import json
import subprocess
from pathlib import Path

import pytest
import yaml

import plugin_deployment

from support.project import REPO

PUPPET38 = REPO / '.cache' / 'puppet38'
PUPPET = REPO / 'tools' / 'puppet38' / 'puppet'
RUBY = REPO / 'tools' / 'puppet38' / 'ruby'
COMPILE = Path(__file__).with_name('puppet38_compile.rb')
MODULEPATH = ':'.join([str(REPO / 'deployment_scripts' / 'puppet' / 'modules'),
                       str(PUPPET38 / 'modules')])
# What puppet-cinder's params and the plugin read of a Fuel 9 node: Ubuntu
# 14.04.
FACTS = {'osfamily': 'Debian', 'operatingsystem': 'Ubuntu', 'operatingsystemrelease': '14.04',
         'operatingsystemmajrelease': '14.04', 'lsbdistcodename': 'trusty', 'kernel': 'Linux',
         'hostname': 'node-1', 'fqdn': 'node-1.test.domain.local', 'processorcount': '2'}


def _installed():
    if not (PUPPET38 / 'puppet' / 'lib' / 'puppet.rb').is_file():
        pytest.fail('Puppet 3.8.7 is missing from {}: run tools/install-puppet38.sh'.format(
            PUPPET38))


def with_node_facts(env):
    """ENV with the facts of a Fuel 9 node (FACTS) set as Facter takes
    them from the environment, over this machine's own. Puppet 3.8.7 then
    prefers its upstart service provider, as on the node, but finds no
    /sbin/start here and falls back to its debian provider (the sandbox's
    stub init scripts)."""
    return dict(env, **{'FACTER_' + name: value for name, value in FACTS.items()})


def write_hiera_config(path, datadir, level):
    """Hiera 1.3's configuration as Fuel 9 writes it (osnailyfacter's
    hiera.pp): YAML, deeper merges; one level of the hierarchy."""
    path.write_text(yaml.safe_dump({':backends': ['yaml'], ':hierarchy': [level],
                                    ':yaml': {':datadir': str(datadir)},
                                    ':merge_behavior': 'deeper'}))


def apply_command(manifest, state_dir, hiera_config, *extra_args,
                  plugin_modules=plugin_deployment.PLUGIN_MODULES):
    """plugin_deployment.puppet_apply's command line for Puppet 3.8.7 with
    Fuel 9's pinned modules (3.8 has no codedir)."""
    _installed()
    return plugin_deployment.puppet_apply(
        manifest, state_dir, hiera_config, PUPPET38 / 'modules', *extra_args,
        plugin_modules=plugin_modules, puppet=PUPPET,
        puppet_dirs=[name for name in plugin_deployment.PUPPET_DIRS if name != 'codedir'])


def validate(paths):
    """`puppet parser validate` of Puppet 3.8.7 over PATHS."""
    _installed()
    return subprocess.run([str(PUPPET), 'parser', 'validate', '--color=false']
                          + [str(path) for path in paths],
                          capture_output=True, text=True, check=False)


def compile_catalogs(manifest, hieras, work):
    """Per Hiera data of HIERAS, the catalog Puppet 3.8.7 compiles of
    MANIFEST ({'resources': {ref: parameters}}), or its error
    ({'error': text}). WORK: an empty directory."""
    _installed()
    hiera_config = Path(work) / 'hiera.yaml'
    write_hiera_config(hiera_config, work, '%{::fuel_case}')
    request = {'manifest': str(manifest), 'modulepath': MODULEPATH, 'work': str(work),
               'hiera_config': str(hiera_config), 'facts': FACTS, 'cases': hieras}
    result = subprocess.run([str(RUBY), str(COMPILE)], input=json.dumps(request),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
