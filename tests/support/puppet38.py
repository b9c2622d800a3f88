"""Puppet 3.8.7, the Puppet of Fuel 9's nodes, here: its parser and its
compiler, unmodified, with Fuel 9's pinned modules (stdlib 4.9.0, inifile
1.4.2, openstacklib 8.2.0, puppet-cinder 72ef0ce9), as
tools/install-puppet38.sh unpacks them, run on Debian 12's Ruby 3.1 with
the load-time changes of tools/puppet38/ruby31.rb. Its providers do not act
on a node here: the catalog is compiled and converted to the agent's form,
not applied."""

import json
import subprocess
from pathlib import Path

import pytest

from support.project import REPO

PUPPET38 = REPO / '.cache' / 'puppet38'
PUPPET = REPO / 'tools' / 'puppet38' / 'puppet'
LOAD_TIME_CHANGES = REPO / 'tools' / 'puppet38' / 'ruby31.rb'
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
    request = {'manifest': str(manifest), 'modulepath': MODULEPATH, 'work': str(work),
               'facts': FACTS, 'cases': hieras}
    result = subprocess.run(
        ['ruby', '-I', str(PUPPET38 / 'puppet' / 'lib'), '-I', str(PUPPET38 / 'hiera' / 'lib'),
         '-r', str(LOAD_TIME_CHANGES), str(COMPILE)],
        input=json.dumps(request), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
