"""The configuration task (cinder_gcs_backup.pp) applied by the real
Puppet 7 with Debian's puppet-cinder, on both kinds of node that run
cinder-backup in Fuel 9; the tests marked with PUPPETS also by Fuel 9's
Puppet 3.8.7 with its pinned modules (stdlib 4.9.0, inifile 1.4.2,
puppet-cinder 72ef0ce9)."""

import configparser
import stat

import pytest

from support.fuel_nodes import (EXPECTED_ADVANCED, EXPECTED_DEFAULT, KEY_FILE, NODES, astute,
                                fuel_cinder_conf)
from support.keys import assert_no_key_material
from support.project import PLUGIN_NAME
from support.puppet_sandbox import PUPPETS, Sandbox

from .bad_settings import BAD_INPUTS, KEY, with_key

MANIFEST = 'cinder_gcs_backup.pp'
CINDER_CONF = '/etc/cinder/cinder.conf'
# The bundled Python 2.7 libraries cannot install here; tests/pylibs
# installs them through Puppet from the built package.
NO_LIBRARIES = {'cinder_gcs_install_client_libraries': False}


def apply_ok(sandbox, hiera, *args):
    result = sandbox.apply(MANIFEST, hiera, *args)
    assert not result.failed, result.stdout + result.stderr
    return result


def cinder_conf_defaults(sandbox):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(sandbox.path(CINDER_CONF).read_text())
    return dict(parser.defaults())


def fuel_options_kept(node):
    """Fuel's own options stay; only backup_driver is ours to replace."""
    return {k: v for k, v in NODES[node]['cinder_conf'].items() if k != 'backup_driver'}


@pytest.mark.parametrize('sandbox', PUPPETS, indirect=True)
@pytest.mark.parametrize('which, expected', [
    ('default', EXPECTED_DEFAULT), ('advanced', EXPECTED_ADVANCED)])
def test_cinder_conf_holds_exactly_the_gcs_options(sandbox, node, which, expected,
                                                   request):
    settings = request.getfixturevalue(which + '_settings')
    apply_ok(sandbox, astute(node, settings, **NO_LIBRARIES))
    assert cinder_conf_defaults(sandbox) == dict(fuel_options_kept(node), **expected)


def test_backup_driver_follows_the_hiera_override(sandbox, default_settings):
    zed = 'cinder.backup.drivers.gcs.GoogleBackupDriver'
    apply_ok(sandbox, astute('ceph-controller', default_settings,
                             cinder_gcs_backup_driver=zed, **NO_LIBRARIES))
    assert cinder_conf_defaults(sandbox)['backup_driver'] == zed


@pytest.mark.parametrize('sandbox', PUPPETS, indirect=True)
def test_key_file_is_the_downloaded_key_readable_by_cinder_only(
        sandbox, default_settings, service_account_key):
    apply_ok(sandbox, astute('lvm-cinder', default_settings, **NO_LIBRARIES))
    key_file = sandbox.path(KEY_FILE)
    assert key_file.read_bytes() == service_account_key.encode('utf-8')
    info = key_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert (info.st_uid, info.st_gid) == (sandbox.cinder_uid, sandbox.cinder_gid)


@pytest.mark.parametrize('sandbox', PUPPETS, indirect=True)
def test_second_apply_changes_nothing_and_restarts_nothing(sandbox, node,
                                                           default_settings):
    hiera = astute(node, default_settings, **NO_LIBRARIES)
    first = apply_ok(sandbox, hiera)
    assert first.restarted('cinder-backup')
    second = apply_ok(sandbox, hiera)
    assert second.returncode == 0, 'detailed exit code 2 means changes'
    assert second.changed_resources() == []
    assert not second.restarted('cinder-backup')


rotate_key = with_key(private_key_id='ffffffffffffffffffffffffffffffffffffffff')


@pytest.mark.parametrize('change, expected_changes', [
    pytest.param(lambda s: dict(s, backup_gcs_bucket='acme-other-bucket'),
                 ['Cinder_config[DEFAULT/backup_gcs_bucket]'], id='bucket changed'),
    pytest.param(lambda s: dict(s, backup_gcs_num_retries='7'),
                 ['Cinder_config[DEFAULT/backup_gcs_num_retries]'],
                 id='advanced setting changed'),
    pytest.param(rotate_key, ['File[{}]'.format(KEY_FILE)], id='key rotated'),
    pytest.param(lambda s: dict(s, show_advanced=True), [],
                 id='only the UI toggle changed: no restart'),
])
def test_restart_exactly_when_configuration_or_key_changed(
        sandbox, default_settings, change, expected_changes):
    apply_ok(sandbox, astute('ceph-controller', default_settings, **NO_LIBRARIES))
    result = apply_ok(sandbox, astute('ceph-controller', change(default_settings),
                                      **NO_LIBRARIES))
    changed = [r for r in result.changed_resources() if not r.startswith('Service[')]
    assert changed == expected_changes
    assert result.restarted('cinder-backup') == bool(expected_changes)


# A quoted Hiera value reads as what it says: before, the string 'false'
# was true to Puppet 3 and 7 alike.
@pytest.mark.parametrize('unmanaged', [False, 'false'])
def test_unmanaged_service_is_never_restarted(sandbox, default_settings, unmanaged):
    result = apply_ok(sandbox, astute('ceph-controller', default_settings,
                                      cinder_gcs_manage_service=unmanaged, **NO_LIBRARIES))
    assert 'File[{}]'.format(KEY_FILE) in result.changed_resources()
    assert 'Service[cinder-backup]' not in result.resources()


@pytest.fixture(scope='module')
def deployed(tmp_path_factory, default_settings):
    """A controller configured once with good settings; bad runs must leave
    it exactly so."""
    sandbox = Sandbox(tmp_path_factory.mktemp('deployed'))
    sandbox.path(CINDER_CONF).write_text(fuel_cinder_conf('ceph-controller'))
    apply_ok(sandbox, astute('ceph-controller', default_settings, **NO_LIBRARIES))
    return sandbox


def snapshot(sandbox):
    """Content and ownership of every file below the sandboxed node dirs."""
    files = {}
    for path in sorted((sandbox.root / 'node').rglob('*')):
        info = path.lstat()
        files[str(path)] = (path.read_bytes() if path.is_file() else None,
                            stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
    return files


@pytest.mark.parametrize('change, named_setting', BAD_INPUTS)
def test_bad_input_fails_naming_the_setting_and_changes_nothing(
        deployed, default_settings, service_account_key, change, named_setting):
    before = snapshot(deployed)
    settings = change(default_settings)
    result = deployed.apply(MANIFEST, astute('ceph-controller', settings, **NO_LIBRARIES))
    assert result.failed
    assert 'fuel-plugin-cinder-gcs: setting {} '.format(named_setting) in result.stderr
    assert snapshot(deployed) == before
    for entered in (None, settings[KEY]):
        assert_no_key_material(service_account_key, result.stdout, result.stderr,
                               result.report_text, entered=entered)


# '' is false to Puppet 3 (Fuel 9) and true to Puppet 7: refused, so that a
# node does the same whichever Puppet reads it.
@pytest.mark.parametrize('flag, value', [
    ('manage_service', ''), ('install_client_libraries', 'yes')])
def test_a_flag_neither_true_nor_false_fails_naming_it_and_changes_nothing(
        deployed, default_settings, flag, value):
    before = snapshot(deployed)
    result = deployed.apply(MANIFEST, astute('ceph-controller', default_settings,
                                             **dict(NO_LIBRARIES, **{'cinder_gcs_' + flag: value})))
    assert result.failed
    assert 'fuel-plugin-cinder-gcs: cinder_gcs::{} must be true or false'.format(
        flag) in result.stderr
    assert snapshot(deployed) == before


@pytest.mark.parametrize('sandbox', PUPPETS, indirect=True)
def test_private_key_never_shown_by_puppet(sandbox, default_settings,
                                           service_account_key):
    entered = [default_settings[KEY], rotate_key(default_settings)[KEY]]
    runs = [apply_ok(sandbox, astute('ceph-controller', dict(default_settings, **{KEY: key}),
                                     **NO_LIBRARIES), '--verbose', '--show_diff')
            for key in entered]
    assert 'File[{}]'.format(KEY_FILE) in runs[1].changed_resources()
    for run, key in zip(runs, entered):
        assert_no_key_material(service_account_key, run.stdout, run.stderr,
                               run.report_text, entered=key)
    # Nor in what Puppet keeps (state, cached catalog, file bucket, logs).
    for written in ('vardir', 'logdir', 'rundir', 'reports'):
        assert (sandbox.puppet_dir / written).is_dir(), written
        for path in (sandbox.puppet_dir / written).rglob('*'):
            if path.is_file():
                assert_no_key_material(
                    service_account_key, path.read_bytes().decode('utf-8', 'replace'))


def test_plugin_settings_reach_puppet_as_fuel_passes_them(default_settings):
    """The Hiera hash carries every UI setting and the metadata, by name."""
    data = astute('lvm-cinder', default_settings)
    assert data[PLUGIN_NAME]['metadata']['enabled'] is True
    assert set(EXPECTED_DEFAULT) - {'backup_driver', 'backup_gcs_credential_file'} \
        <= set(data[PLUGIN_NAME])
