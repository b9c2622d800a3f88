"""What a Fuel master hands each node (`fuel deployment --default`: the
node's astute.yaml, its Hiera data), and the plugin's Puppet tasks applied
to exactly that: the key reaches the node and becomes the operator's key
file byte for byte; an environment Nailgun lets through without a Cinder
volume back end is stopped by the check task. Puppet here is Debian's
Puppet 7 (tests/support/puppet_sandbox.py), not Fuel 9's 3.8."""

import pytest

from support.fuel_nodes import KEY_FILE, astute, fuel_cinder_conf
from support.project import PLUGIN_NAME
from support.puppet_sandbox import Sandbox

from .environments import Environment, valid_settings

# The node kinds of the Puppet tests (support.fuel_nodes), and where they
# are in the environments here.
KINDS = {'ceph-controller': ('ceph', 'controller'), 'lvm-cinder': ('lvm', 'cinder')}
# Overrides of the Puppet tests: the bundled libraries cannot install here.
NO_LIBRARIES = {'cinder_gcs_install_client_libraries': False}
# Puppet runs on one version's node data: every version's equals the
# Puppet tests' Hiera (test_nodes_get_the_data_the_puppet_tests_give_puppet),
# so the others would apply the same catalog to the same data. 9.0's, whose
# str.format pass once broke the key.
PUPPET_ON = ['9.0']


@pytest.fixture(scope='package')
def node_data(environments):
    """{node kind: its astute.yaml}, as `fuel deployment --default` writes it."""
    data = {}
    for kind, (name, role) in KINDS.items():
        environment = environments[name]
        data[kind] = environment.deployment_defaults()[str(environment.nodes[role][0])]
    return data


def shape(value):
    """The keys and value types of VALUE, all the way down."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def test_nodes_get_the_data_the_puppet_tests_give_puppet(node_data, default_settings):
    """The Hiera data of the Puppet tests (support.fuel_nodes.astute with
    the settings an operator saved) is a part of what Nailgun serializes,
    value for value: the plugin's hash whole (the settings and the
    metadata Nailgun adds), and the keys that place a node."""
    for kind in KINDS:
        real = node_data[kind]
        modelled = astute(kind, default_settings)
        assert real[PLUGIN_NAME] == modelled[PLUGIN_NAME], kind
        assert shape(real['uid']) == shape(modelled['uid']) == 'str', kind
        assert shape(real['fqdn']) == shape(modelled['fqdn']) == 'str', kind
        # Nailgun may give a primary controller more roles (primary-database...).
        assert set(modelled['roles']) <= set(real['roles']), kind
        assert {k: real['storage'][k] for k in modelled['storage']} == modelled['storage'], kind


@pytest.mark.parametrize('master', PUPPET_ON, indirect=True)
def test_key_reaches_the_node_and_puppet_writes_the_downloaded_file(
        node_data, service_account_key, tmp_path):
    data = node_data['lvm-cinder']
    sandbox = Sandbox(tmp_path / 'sandbox')
    sandbox.path('/etc/cinder/cinder.conf').write_text(fuel_cinder_conf('lvm-cinder'))
    result = sandbox.apply('cinder_gcs_backup.pp', dict(data, **NO_LIBRARIES))
    assert not result.failed, result.stdout + result.stderr
    assert sandbox.path(KEY_FILE).read_bytes() == service_account_key.encode('utf-8')


@pytest.fixture(scope='package')
def no_volume_node_data(master, service_account_key, tmp_path_factory):
    """A controller's astute.yaml in an environment with the plugin enabled
    and neither LVM nor Ceph volumes."""
    environment = Environment.create(master, 'no-volumes', tmp_path_factory.mktemp('no-volumes'),
                                     {'volumes_lvm': False, 'volumes_ceph': False},
                                     ['controller'])
    assert environment.upload_plugin_settings(valid_settings(service_account_key)).returncode == 0
    return environment.deployment_defaults()[str(environment.nodes['controller'][0])]


def test_nailgun_takes_the_plugin_without_a_volume_back_end(no_volume_node_data):
    """Nailgun does not enforce the plugin's restriction: through the CLI
    it takes the plugin enabled with neither LVM nor Ceph volumes, and
    serializes it so."""
    storage = no_volume_node_data['storage']
    assert (storage['volumes_lvm'], storage['volumes_ceph']) == (False, False)
    assert PLUGIN_NAME in no_volume_node_data


@pytest.mark.parametrize('master', PUPPET_ON, indirect=True)
def test_no_cinder_volume_back_end_is_stopped_by_the_check_task(no_volume_node_data, tmp_path):
    """The check task, first of the plugin's on the controllers, stops
    such an environment."""
    result = Sandbox(tmp_path / 'sandbox').apply('cinder_gcs_check_settings.pp',
                                                 no_volume_node_data)
    assert result.failed
    assert ('fuel-plugin-cinder-gcs: the plugin is enabled but the environment has no Cinder '
            'volume back end') in result.stderr
