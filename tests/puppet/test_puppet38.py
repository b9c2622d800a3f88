"""The task manifests as Fuel 9 nodes read them: Puppet 3.8.7's own parser
and compiler, with Fuel 9's pinned modules and the Hiera data of both kinds
of node (tests/support/puppet38.py says how it runs here). The other tests
of tests/puppet apply the tasks with Debian's Puppet 7 (and, those of
test_backup_task.py run with puppet-3.8.7, the backup task with Puppet
3.8.7); these prove Puppet 3.8.7's reading of every task, up to the catalog
the agent applies."""

import hashlib

import pytest

from support.fuel_nodes import EXPECTED_ADVANCED, EXPECTED_DEFAULT, KEY_FILE, NODES, astute
from support.keys import assert_no_key_material
from support.project import REPO
from support.puppet38 import compile_catalogs, validate

from .bad_settings import BAD_INPUTS, KEY, key_text

PUPPET = REPO / 'deployment_scripts' / 'puppet'
TASKS = PUPPET / 'manifests'
BACKUP_TASK = TASKS / 'cinder_gcs_backup.pp'
CHECK_TASK = TASKS / 'cinder_gcs_check_settings.pp'
HORIZON_TASK = TASKS / 'cinder_gcs_horizon.pp'
SERVICE = 'Service[cinder-backup]'


def test_every_manifest_passes_puppet_3_8_parser():
    manifests = sorted(TASKS.glob('*.pp')) + sorted(PUPPET.glob('modules/cinder_gcs/manifests/*.pp'))
    assert len(manifests) >= 10
    result = validate(manifests)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize('source', [
    pytest.param('class x(Integer $a) {}\n', id='data-type-in-parameters'),
    pytest.param('[1].each |$x| { notice($x) }\n', id='lambda'),
    pytest.param('unless $a { notice(1) } else { notice(2) }\n', id='unless-else'),
    pytest.param('$x = split("a b", " ")[0]\n', id='index-of-a-call'),
])
def test_puppet_3_8_parser_refuses_what_only_puppet_4_reads(tmp_path, source):
    """The parser check can fail: what Puppet 4+ reads and Fuel 9's Puppet
    does not."""
    manifest = tmp_path / 'newer.pp'
    manifest.write_text(source)
    result = validate([manifest])
    assert result.returncode != 0
    assert 'Syntax error' in result.stdout + result.stderr


def config_options(resources):
    """What the catalog's cinder_config resources write: {option: value}."""
    return {ref[len('Cinder_config[DEFAULT/'):-1]: parameters['value']
            for ref, parameters in resources.items() if ref.startswith('Cinder_config[')}


@pytest.fixture(scope='module')
def backup_catalogs(tmp_path_factory, default_settings, advanced_settings):
    cases = {(node, name): astute(node, settings)
             for node in sorted(NODES)
             for name, settings in (('default', default_settings),
                                    ('advanced', advanced_settings))}
    cases[('ceph-controller', 'unmanaged')] = astute(
        'ceph-controller', default_settings, cinder_gcs_manage_service=False,
        cinder_gcs_install_client_libraries=False)
    catalogs = compile_catalogs(BACKUP_TASK, list(cases.values()),
                                tmp_path_factory.mktemp('puppet38'))
    return dict(zip(cases, catalogs))


@pytest.mark.parametrize('node', sorted(NODES))
@pytest.mark.parametrize('name, expected', [('default', EXPECTED_DEFAULT),
                                            ('advanced', EXPECTED_ADVANCED)])
def test_backup_task_compiles_to_the_same_cinder_conf_options(backup_catalogs, node, name,
                                                               expected):
    catalog = backup_catalogs[(node, name)]
    assert 'error' not in catalog, catalog
    assert config_options(catalog['resources']) == expected


@pytest.mark.parametrize('node', sorted(NODES))
def test_backup_task_writes_the_key_for_cinder_alone(backup_catalogs, default_settings, node):
    resources = backup_catalogs[(node, 'default')]['resources']
    key_file = resources['File[{}]'.format(KEY_FILE)]
    assert {name: key_file[name] for name in ('ensure', 'owner', 'group', 'mode', 'show_diff',
                                              'backup')} == {
        'ensure': 'file', 'owner': 'cinder', 'group': 'cinder', 'mode': '600',
        'show_diff': 'false', 'backup': 'false'}
    # The key file itself, decoded by Puppet 3.8's base64(), not a copy of
    # the entered text.
    expected = hashlib.md5(key_text(default_settings).encode()).hexdigest()
    assert key_file['content'] == '{md5}' + expected


@pytest.mark.parametrize('node', sorted(NODES))
def test_backup_task_orders_key_libraries_config_and_restart(backup_catalogs, node):
    """The key and the libraries before cinder.conf names them, and
    cinder-backup restarted by any of the three."""
    resources = backup_catalogs[(node, 'default')]['resources']
    service_class = ['Class[Cinder_gcs::Service]']
    assert resources['Class[Cinder_gcs::Credentials]']['before'] == ['Class[Cinder_gcs::Config]']
    assert resources['Class[Cinder_gcs::Credentials]']['notify'] == service_class
    assert resources['Class[Cinder_gcs::Client_libraries]']['before'] == [
        'Class[Cinder_gcs::Config]']
    assert resources['Class[Cinder_gcs::Client_libraries]']['notify'] == service_class
    assert resources['Class[Cinder_gcs::Config]']['notify'] == service_class
    # The installer needs no package: no pip, no apt.
    assert [name for name in resources if name.startswith('Package[')] == []
    assert resources['Exec[cinder-gcs-install-client-libraries]']['command'].endswith(
        ' /usr/bin/python2.7')
    for environment in ('pythonpath', 'override-pythonpath'):
        assert 'Exec[cinder-gcs-install-client-libraries]' in resources[
            'File_line[cinder-gcs-backup-{}]'.format(environment)]['require']
    assert resources['File_line[cinder-gcs-backup-override-pythonpath]']['line'] == (
        'env PYTHONPATH=/usr/lib/fuel-plugin-cinder-gcs/python2.7')
    # Stop, then start: upstart's restart keeps the job's old environment.
    assert resources[SERVICE]['hasrestart'] == 'false'
    assert SERVICE in resources


def test_backup_task_flags_read_as_false(backup_catalogs):
    resources = backup_catalogs[('ceph-controller', 'unmanaged')]['resources']
    assert SERVICE not in resources
    assert 'Exec[cinder-gcs-install-client-libraries]' not in resources
    assert config_options(resources) == EXPECTED_DEFAULT


@pytest.fixture(scope='module')
def bad_input_errors(tmp_path_factory, default_settings):
    cases = [astute('ceph-controller', case.values[0](default_settings)) for case in BAD_INPUTS]
    catalogs = compile_catalogs(BACKUP_TASK, cases, tmp_path_factory.mktemp('puppet38-bad'))
    return {case.id: catalog.get('error') for case, catalog in zip(BAD_INPUTS, catalogs)}


@pytest.mark.parametrize('change, named_setting', BAD_INPUTS)
def test_bad_input_stops_the_compile_naming_the_setting(bad_input_errors, request,
                                                         default_settings, change,
                                                         named_setting):
    error = bad_input_errors[request.node.callspec.id]
    assert error is not None, 'compiled'
    assert 'fuel-plugin-cinder-gcs: setting {} '.format(named_setting) in error
    entered = change(default_settings).get(KEY)
    for shown_as in (None, entered if isinstance(entered, str) else None):
        assert_no_key_material(key_text(default_settings), error, entered=shown_as)


def test_check_task_passes_good_settings_and_stops_without_a_volume_back_end(
        tmp_path, default_settings):
    no_back_end = dict(NODES['lvm-cinder']['astute']['storage'], volumes_lvm=False)
    good, bad = compile_catalogs(CHECK_TASK, [
        astute('lvm-cinder', default_settings),
        astute('lvm-cinder', default_settings, storage=no_back_end)], tmp_path)
    assert 'error' not in good, good
    assert not [ref for ref in good['resources'] if not ref.startswith(('Class[', 'Stage['))]
    assert 'has no Cinder volume back end' in bad['error']


def test_horizon_task_enables_the_backup_panel(tmp_path, default_settings):
    catalog, = compile_catalogs(HORIZON_TASK, [astute('ceph-controller', default_settings)],
                                tmp_path)
    assert 'error' not in catalog, catalog
    resources = catalog['resources']
    panel = resources['File_line[cinder-gcs-horizon-enable-backup]']
    assert panel['path'] == '/etc/openstack-dashboard/local_settings.py'
    assert panel['line'].endswith('enable_backup=True)')
    assert resources['Service[apache2]']['subscribe'] == [
        'File_line[cinder-gcs-horizon-enable-backup]']
