"""The first task of the plugin (cinder_gcs_check_settings.pp), applied by the
real Puppet 7 as Fuel 9 runs it before its own tasks: good settings pass
and change nothing; a bad one stops the deployment there, naming the
setting and never quoting the key. Where it runs in the deployment graph:
tests/puppet/test_deployment_tasks.py."""

import pytest

from support.fuel_nodes import NODES, astute
from support.keys import assert_no_key_material

from .bad_settings import KEY, setting, with_key

MANIFEST = 'cinder_gcs_check_settings.pp'


def test_good_settings_pass_and_change_nothing(sandbox, node, default_settings):
    result = sandbox.apply(MANIFEST, astute(node, default_settings))
    # --detailed-exitcodes: 0, nothing to change.
    assert result.returncode == 0, result.stderr
    assert 'MODULAR: fuel-plugin-cinder-gcs/cinder_gcs_check_settings.pp' in result.stdout
    assert not result.changed_resources()


@pytest.mark.parametrize('change, named_setting', [
    pytest.param(lambda s: dict(s, **{KEY: s[KEY][:-8]}), KEY, id='key cut short'),
    pytest.param(with_key(type='authorized_user'), KEY, id='key of a user'),
    pytest.param(setting('backup_gcs_object_size', '52428801'), 'backup_gcs_object_size',
                 id='object size not a multiple of block size'),
    pytest.param(setting('backup_gcs_storage_class', 'GLACIER'), 'backup_gcs_storage_class',
                 id='unknown storage class'),
])
def test_bad_setting_stops_the_deployment_naming_it(
        sandbox, default_settings, service_account_key, change, named_setting):
    settings = change(default_settings)
    result = sandbox.apply(MANIFEST, astute('lvm-cinder', settings))
    assert result.failed
    assert 'fuel-plugin-cinder-gcs: setting {} '.format(named_setting) in result.stderr
    for entered in (None, settings[KEY]):
        assert_no_key_material(service_account_key, result.stdout, result.stderr,
                               result.report_text, entered=entered)


@pytest.mark.parametrize('kind', sorted(NODES))
def test_no_cinder_volume_back_end_stops_the_deployment_naming_it(sandbox, kind,
                                                                  default_settings):
    """Nailgun lets the plugin be enabled with neither back end (its
    restriction binds the UI only)."""
    storage = dict(NODES[kind]['astute']['storage'], volumes_lvm=False, volumes_ceph=False)
    result = sandbox.apply(MANIFEST, astute(kind, default_settings, storage=storage))
    assert result.failed
    assert ('fuel-plugin-cinder-gcs: the plugin is enabled but the environment has no Cinder '
            'volume back end: enable "Cinder LVM over iSCSI for volumes" or "Ceph RBD for '
            'volumes"') in result.stderr
