"""An operator's environments on a Fuel master, made and configured with
the Fuel CLI as the guide says (`fuel env --create`, `fuel node set`,
`fuel settings --download/--upload`), and the plugin's settings in the
form Nailgun stores them."""

import dataclasses
import pathlib

import yaml

from fuel9 import RELEASE
from plugin_deployment import entered_key
from support.fuel_nodes import PROJECT_ID
from support.project import PLUGIN_NAME

# Fuel's storage settings of each environment, and its nodes' roles. LVM:
# cinder-backup on the cinder node; Ceph: on the controllers (one OSD, so
# one replica).
ENVIRONMENTS = {
    'lvm': {'storage': {'volumes_lvm': True, 'volumes_ceph': False},
            'roles': ['controller', 'controller', 'cinder', 'compute']},
    'ceph': {'storage': {'volumes_lvm': False, 'volumes_ceph': True, 'images_ceph': True,
                         'objects_ceph': True, 'osd_pool_size': '1'},
             'roles': ['controller', 'compute', 'ceph-osd']},
}


def valid_settings(service_account_key):
    """The three required settings, filled in as the guide says."""
    return {'backup_gcs_project_id': PROJECT_ID,
            'backup_gcs_bucket': 'acme-cinder-backups',
            'gcs_service_account_key': entered_key(service_account_key)}


def plugin_section(settings):
    return settings['editable'][PLUGIN_NAME]


def chosen_version(settings):
    """The attributes of the plugin version the environment uses: where
    Nailgun stores the values it saves."""
    metadata = plugin_section(settings)['metadata']
    return next(version for version in metadata['versions']
                if version['metadata']['plugin_id'] == metadata['chosen_id'])


def set_plugin(settings, values, enabled=True):
    """The plugin enabled (or not) with VALUES ({setting: value}), changed
    where the Fuel UI and the guide change them: in the chosen version
    (Nailgun 9.x sends the plugin's section as its metadata alone)."""
    plugin_section(settings)['metadata']['enabled'] = enabled
    version = chosen_version(settings)
    for name, value in values.items():
        version[name]['value'] = value
    return settings


def plugin_values(settings):
    """{setting: value} of the chosen version."""
    return {name: attr['value'] for name, attr in chosen_version(settings).items()
            if name != 'metadata'}


@dataclasses.dataclass
class Environment:
    master: object
    name: str
    id: int
    nodes: dict  # role -> [node id]
    work: pathlib.Path

    @classmethod
    def create(cls, master, name, work, storage=None, roles=None):
        """An environment of Fuel 9's Ubuntu release with ENVIRONMENTS[name]'s
        storage and node roles (or those given), made with the CLI."""
        layout = ENVIRONMENTS.get(name, {})
        storage = layout['storage'] if storage is None else storage
        roles = layout['roles'] if roles is None else roles
        release = next(r['id'] for r in master.api_ok('GET', '/releases/')
                       if r['name'] == RELEASE)
        master.fuel('env', '--create', '--name', name, '--rel', release, '--nst', 'vlan')
        env_id = next(c['id'] for c in master.api_ok('GET', '/clusters/') if c['name'] == name)
        environment = cls(master, name, env_id, {}, work)
        settings = environment.download_settings()
        for setting, value in storage.items():
            settings['editable']['storage'][setting]['value'] = value
        environment.upload_settings(settings)
        node_ids = master.add_nodes(len(roles))
        for role, node in zip(roles, node_ids):
            environment.nodes.setdefault(role, []).append(node)
        for role, nodes in environment.nodes.items():
            master.fuel('--env', env_id, 'node', 'set', '--node', ','.join(map(str, nodes)),
                        '--role', role)
        return environment

    # ------------------------------------------------------------- settings
    @property
    def settings_file(self):
        return self.work / 'settings_{}.yaml'.format(self.id)

    def download_settings(self):
        """The environment's settings as `fuel settings --download` writes them."""
        self.master.fuel('settings', '--env', self.id, '--download', '--dir', self.work)
        return yaml.safe_load(self.settings_file.read_text())

    def upload_settings(self, settings, check=True):
        """`fuel settings --upload` of SETTINGS: the CLI's run."""
        self.settings_file.write_text(yaml.safe_dump(settings))
        return self.master.fuel('settings', '--env', self.id, '--upload', '--dir', self.work,
                                check=check)

    def upload_plugin_settings(self, values, enabled=True, check=True):
        """The operator's edit: download, change the plugin's settings, upload."""
        return self.upload_settings(set_plugin(self.download_settings(), values, enabled),
                                    check=check)

    def attributes(self):
        """The environment's attributes, as the Fuel UI reads them."""
        return self.master.api_ok('GET', '/clusters/{}/attributes'.format(self.id))

    def save_attributes(self, attributes):
        """(status, answer) of the Fuel UI's save (PUT of the attributes)."""
        return self.master.api('PUT', '/clusters/{}/attributes'.format(self.id), attributes)

    # ------------------------------------------------------- serialization
    def deployment_defaults(self):
        """{node id: astute.yaml} as `fuel deployment --default` writes them."""
        directory = self.work / 'deployment'
        self.master.fuel('deployment', '--default', '--env', self.id, '--dir', directory)
        written = directory / 'deployment_{}'.format(self.id)
        return {path.stem: yaml.safe_load(path.read_text())
                for path in written.glob('*.yaml') if path.stem != 'master'}
