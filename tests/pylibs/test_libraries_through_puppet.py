"""The configuration task installs the bundled libraries through Puppet,
from the module as the package ships it, for cinder-backup only, and
restarts cinder-backup when they change."""

import pytest

from puppet.conftest import astute
from puppet.sandbox import Sandbox

from .conftest import MODULES, offline_pip_env

LIBRARIES = '/usr/lib/fuel-plugin-cinder-gcs/python2.7'
SERVICE_DEFAULTS = '/etc/default/cinder-backup'
STAMP = LIBRARIES + '/.fuel-plugin-cinder-gcs-requirements'
INSTALL = 'Exec[cinder-gcs-install-client-libraries]'


@pytest.fixture
def packaged_sandbox(tmp_path, installed_plugin):
    """A sandbox applying the packaged module, with the fresh Python's pip
    standing in for the node's /usr/bin/pip."""
    return Sandbox(tmp_path / 'sandbox', installed_plugin / MODULES)


def test_libraries_installed_for_cinder_backup_and_restart_on_change(
        packaged_sandbox, default_settings, fresh_python):
    sandbox = packaged_sandbox
    hiera = astute('lvm-cinder', default_settings,
                   **{'cinder_gcs::pip': str(fresh_python / 'bin' / 'pip')})

    def apply():
        result = sandbox.apply('cinder_gcs_backup.pp', hiera, env=offline_pip_env())
        assert not result.failed, result.stdout + result.stderr
        return result

    first = apply()
    assert INSTALL in first.changed_resources()
    assert first.restarted('cinder-backup')
    assert (sandbox.path(LIBRARIES) / 'googleapiclient' / 'discovery.py').is_file()
    assert 'export PYTHONPATH={}\n'.format(LIBRARIES) in \
        sandbox.path(SERVICE_DEFAULTS).read_text()

    second = apply()
    assert second.changed_resources() == []
    assert not second.restarted('cinder-backup')

    # As after a plugin update that ships other pins.
    sandbox.path(STAMP).write_text('google-api-python-client==1.5.4\n')
    third = apply()
    assert third.changed_resources() == [INSTALL, 'Service[cinder-backup]']
    assert third.restarted('cinder-backup')
