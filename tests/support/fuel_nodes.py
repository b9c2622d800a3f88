"""What Fuel 9 gives the plugin's deployment tasks: the Hiera data
(astute.yaml) of the two kinds of node that run cinder-backup (a controller
with Ceph RBD volumes and an LVM cinder node), the cinder.conf Fuel's own
tasks leave there, and the cinder.conf options the plugin's task writes
from the default and the advanced settings."""

import copy

import yaml

from support.project import DRIVER_DEFAULTS, PLUGIN_NAME, REPO

KEY_FILE = '/var/lib/cinder/gcs-credentials.json'
PROJECT_ID = 'cinder-backups-test'

# The parts of astute.yaml that decide where the plugin's tasks run, and
# the cinder.conf that Fuel's own tasks leave on each node before ours.
NODES = {
    'ceph-controller': {
        'astute': {
            'uid': '1', 'fqdn': 'node-1.test.domain.local',
            'roles': ['primary-controller'],
            'storage': {'volumes_ceph': True, 'volumes_lvm': False,
                        'images_ceph': True, 'objects_ceph': True,
                        'ephemeral_ceph': False},
        },
        'cinder_conf': {
            'volume_driver': 'cinder.volume.drivers.rbd.RBDDriver',
            'rbd_pool': 'volumes',
            'backup_driver': 'cinder.backup.drivers.ceph',
            'backup_ceph_pool': 'backups',
            'backup_ceph_user': 'backups',
        },
    },
    'lvm-cinder': {
        'astute': {
            'uid': '2', 'fqdn': 'node-2.test.domain.local',
            'roles': ['cinder'],
            'storage': {'volumes_ceph': False, 'volumes_lvm': True,
                        'images_ceph': False, 'objects_ceph': False,
                        'ephemeral_ceph': False},
        },
        'cinder_conf': {
            'volume_driver': 'cinder.volume.drivers.lvm.LVMVolumeDriver',
            'volume_group': 'cinder',
            'backup_driver': 'cinder.backup.drivers.swift',
            'backup_swift_url': 'http://192.168.0.2:8080/v1/AUTH_',
        },
    },
}

# Values an operator would enter under "Show advanced settings".
ADVANCED = {
    'show_advanced': True,
    'backup_gcs_bucket_location': 'europe-west1',
    'backup_gcs_storage_class': 'COLDLINE',
    'backup_gcs_object_size': '104857600',
    'backup_gcs_block_size': '65536',
    'backup_gcs_reader_chunk_size': '1048576',
    'backup_gcs_writer_chunk_size': '-1',
    'backup_gcs_num_retries': '5',
    'backup_gcs_retry_error_codes': '429, 503',
    'backup_gcs_user_agent': 'acme-cloud cinder/8.0',
    'backup_gcs_enable_progress_timer': False,
}


def plugin_metadata():
    """The metadata Nailgun adds to the plugin's settings for a node (tests/
    fuel_master/test_serialization.py holds this to Fuel 9's): its own
    (environment_config.yaml), the package's title and hot-plug flag, and
    Nailgun's bookkeeping."""
    package = yaml.safe_load((REPO / 'metadata.yaml').read_text())
    own = yaml.safe_load((REPO / 'environment_config.yaml').read_text())['attributes']['metadata']
    return dict(own, **{'class': 'plugin', 'enabled': True, 'label': package['title'],
                        'hot_pluggable': package['is_hotpluggable'], 'toggleable': True,
                        'plugin_id': 1, 'plugin_version': package['version'], 'weight': 70})


def astute(node, settings, **overrides):
    """Hiera data of a node with the plugin enabled and these settings."""
    data = copy.deepcopy(NODES[node]['astute'])
    data[PLUGIN_NAME] = dict(settings, metadata=plugin_metadata())
    data.update(overrides)
    return data


def node_python_override(node_python):
    """Hiera override: the libraries installed with NODE_PYTHON (a
    virtualenv standing in for the node's /usr/bin/python2.7)."""
    return {'cinder_gcs::python': str(node_python / 'bin' / 'python')}


def fuel_cinder_conf(node):
    """cinder.conf as Fuel's own Cinder task leaves it on the node."""
    lines = ['[DEFAULT]']
    lines += ['{} = {}'.format(k, v) for k, v in NODES[node]['cinder_conf'].items()]
    lines += ['', '[database]', 'connection = mysql://cinder:secret@192.168.0.2/cinder', '']
    return '\n'.join(lines)


# What cinder.conf holds with the settings' defaults: the driver's own.
EXPECTED_DEFAULT = dict(
    {name: str(value) for name, value in DRIVER_DEFAULTS.items()},
    backup_driver='cinder.backup.drivers.google',
    backup_gcs_credential_file=KEY_FILE,
    backup_gcs_project_id='cinder-backups-test',
    backup_gcs_bucket='acme-cinder-backups',
)
EXPECTED_ADVANCED = dict(
    EXPECTED_DEFAULT,
    backup_gcs_bucket_location='europe-west1',
    backup_gcs_storage_class='COLDLINE',
    backup_gcs_object_size='104857600',
    backup_gcs_block_size='65536',
    backup_gcs_reader_chunk_size='1048576',
    backup_gcs_writer_chunk_size='-1',
    backup_gcs_num_retries='5',
    # A list option: Cinder splits on commas.
    backup_gcs_retry_error_codes='429,503',
    backup_gcs_user_agent='acme-cloud cinder/8.0',
    backup_gcs_enable_progress_timer='False',
)
