"""The configuration task installs the bundled libraries through Puppet,
from the module as the package ships it, with an Ubuntu 14.04 node's pip
1.5.4 on Python 2.7, for cinder-backup only; it restarts cinder-backup when
they change, and names the driver in cinder.conf only once they are in
place."""

import re

import pytest

from support.fuel_nodes import astute, fuel_cinder_conf
from support.puppet_sandbox import Sandbox

from support.project import offline_pip_env

from .conftest import MODULES

LIBRARIES = '/usr/lib/fuel-plugin-cinder-gcs/python2.7'
SERVICE_DEFAULTS = '/etc/default/cinder-backup'
CINDER_CONF = '/etc/cinder/cinder.conf'
STAMP = LIBRARIES + '/.fuel-plugin-cinder-gcs-requirements'
INSTALL = 'Exec[cinder-gcs-install-client-libraries]'
PIP_PACKAGE = 'Package[python-pip]'


@pytest.fixture
def packaged_sandbox(tmp_path, installed_plugin):
    """A sandbox applying the packaged module, with the cinder.conf Fuel's
    own task leaves on an LVM cinder node."""
    sandbox = Sandbox(tmp_path / 'sandbox', installed_plugin / MODULES)
    sandbox.path(CINDER_CONF).write_text(fuel_cinder_conf('lvm-cinder'))
    return sandbox


def node_hiera(settings, pip, pip_package=False):
    """pip_package false: the node's pip is the test's Python 2.7, and apt
    must not touch this machine."""
    return astute('lvm-cinder', settings, **{'cinder_gcs::pip': str(pip),
                                            'cinder_gcs::pip_package': pip_package})


def test_libraries_installed_for_cinder_backup_and_restart_on_change(
        packaged_sandbox, default_settings, node_python, tmp_path):
    sandbox = packaged_sandbox
    hiera = node_hiera(default_settings, node_python / 'bin' / 'pip')

    def apply():
        result = sandbox.apply('cinder_gcs_backup.pp', hiera, env=offline_pip_env(tmp_path))
        assert not result.failed, result.stdout + result.stderr
        return result

    first = apply()
    assert INSTALL in first.changed_resources()
    assert first.restarted('cinder-backup')
    assert (sandbox.path(LIBRARIES) / 'googleapiclient' / 'discovery.py').is_file()
    assert (sandbox.path(LIBRARIES) / 'httplib2' / '__init__.py').is_file()
    assert 'export PYTHONPATH={}\n'.format(LIBRARIES) in \
        sandbox.path(SERVICE_DEFAULTS).read_text()
    assert re.search(r'^backup_driver\s*=\s*cinder\.backup\.drivers\.google$',
                     sandbox.path(CINDER_CONF).read_text(), re.M)

    second = apply()
    assert second.changed_resources() == []
    assert not second.restarted('cinder-backup')

    # As after a plugin update that ships other pins.
    sandbox.path(STAMP).write_text('google-api-python-client==1.5.4\n')
    third = apply()
    assert third.changed_resources() == [INSTALL, 'Service[cinder-backup]']
    assert third.restarted('cinder-backup')


def test_failed_install_stops_the_task_and_leaves_cinder_conf_as_it_was(
        packaged_sandbox, default_settings, tmp_path):
    """As on a Fuel 9 node where python-pip was not installed: the driver
    must not be named in cinder.conf, or the next start of cinder-backup
    (a reboot, Fuel's Ceph tasks) dies on an ImportError."""
    sandbox = packaged_sandbox
    missing_pip = '/usr/bin/pip-of-a-node-without-python-pip'
    result = sandbox.apply('cinder_gcs_backup.pp',
                           node_hiera(default_settings, missing_pip),
                           env=offline_pip_env(tmp_path))
    assert result.failed
    assert 'ERROR: {} could not install the Google client libraries'.format(missing_pip) \
        in result.stdout + result.stderr
    assert sandbox.path(CINDER_CONF).read_text() == fuel_cinder_conf('lvm-cinder')
    assert 'PYTHONPATH' not in sandbox.path(SERVICE_DEFAULTS).read_text()
    assert not sandbox.path(LIBRARIES).exists()
    assert not result.restarted('cinder-backup')
    skipped = [name for name, status in result.resources().items() if status['skipped']]
    assert 'Cinder_config[DEFAULT/backup_driver]' in skipped


def test_python_pip_is_installed_before_the_libraries(
        packaged_sandbox, default_settings, tmp_path):
    """The default: Fuel 9 provisions nodes without python-pip. Applied with
    --noop (apt must not touch this machine): Puppet would install it, and
    its graph orders it before the library install."""
    sandbox = packaged_sandbox
    graphs = tmp_path / 'graphs'
    hiera = astute('lvm-cinder', default_settings)
    result = sandbox.apply('cinder_gcs_backup.pp', hiera, '--noop', '--graph',
                           '--graphdir', str(graphs), env=offline_pip_env(tmp_path))
    assert not result.failed, result.stdout + result.stderr
    package = result.resources()[PIP_PACKAGE]
    assert [(e['property'], e['status'], e['desired_value']) for e in package['events']] == \
        [('ensure', 'noop', 'present')]
    edges = re.findall(r'"([^"]+)" -> "([^"]+)"', (graphs / 'expanded_relationships.dot').read_text())
    assert (PIP_PACKAGE, INSTALL) in edges
