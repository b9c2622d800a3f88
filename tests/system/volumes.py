"""Volumes for the workflow tests and the benchmark: made through Cinder's API
as one of the stack's users, their RBD images read and written through librbd.
"""

import subprocess
import uuid

import pytest

import stack as stack_module
from support.polling import wait_until
from support.project import REPO

from .api import ApiError

RBD_IO = REPO / 'tests' / 'system' / 'rbd_io.py'


def rbd_io(*args):
    result = subprocess.run([stack_module.PYTHON, str(RBD_IO), *map(str, args)],
                            capture_output=True, text=True, timeout=300)
    if result.returncode:
        pytest.fail('rbd_io.py {} failed:\n{}'.format(' '.join(map(str, args)),
                                                      result.stderr))
    return result.stdout.strip()


def _wait_status(api, kind, resource_id, status, timeout):
    """Wait until Cinder shows the volume or backup (KIND) in STATUS."""
    wait_until('{} {} to be {}'.format(kind, resource_id, status), lambda: api.cinder(
        'GET', '/{}s/{}'.format(kind, resource_id))[kind]['status'] == status, timeout)


class Rbd:
    """A volume's RBD image, read and written through librbd as Cinder sees it."""

    @staticmethod
    def write(volume_id, offset, length, seed):
        rbd_io('write', 'volumes', 'volume-' + volume_id, offset, length, seed)

    @staticmethod
    def sha256(volume_id):
        return rbd_io('sha256', 'volumes', 'volume-' + volume_id)

    @staticmethod
    def clone_snapshot(volume_id, snapshot_id, clone):
        """Clone a Cinder snapshot's RBD snapshot as Cinder does for a volume
        made from it (and for the temporary volume a backup reads)."""
        rbd_io('clone', 'volumes', 'volume-' + volume_id, 'snapshot-' + snapshot_id, clone)

    @staticmethod
    def remove(image):
        rbd_io('remove', 'volumes', image)

    @staticmethod
    def watched(volume_id):
        """Whether a client has the volume's image open (not read-only)."""
        return int(rbd_io('watchers', 'volumes', 'volume-' + volume_id)) > 0

    @staticmethod
    def remove_from_trash(volume_id):
        """Remove the volume's image from the RBD trash, where Cinder moves
        an image it cannot delete: 'removed', 'busy' while a client still
        watches it, or 'absent'."""
        return rbd_io('trash-remove', 'volumes', 'volume-' + volume_id)


class VolumeMaker:
    """Volumes of 1 GiB with a few MiB written, their backups and restores,
    made through Cinder's API as a given user and deleted (volumes with
    their snapshots) by delete_all()."""

    def __init__(self, sessions, rbd):
        self.sessions = sessions
        self.rbd = rbd
        self.made = []
        self.attached = []
        self.backups = []

    def create(self, name, user='alice', data_mib=1):
        api = self.sessions[user]
        volume = api.cinder('POST', '/volumes', {'volume': {'size': 1, 'name': name}})['volume']
        self.made.append(volume['id'])
        _wait_status(api, 'volume', volume['id'], 'available', 120)
        if data_mib:
            self.rbd.write(volume['id'], 0, data_mib * 2**20, name)
        return volume['id']

    def attach(self, volume_id):
        """Attach through Cinder's attachment API, as Nova would (no Nova
        here): the volume becomes in-use."""
        admin = self.sessions['admin']
        attachment = admin.cinder('POST', '/attachments', {'attachment': {
            'volume_uuid': volume_id, 'instance_uuid': str(uuid.uuid4()),
            'connector': {'host': 'stack', 'ip': '127.0.0.1', 'initiator': 'iqn.test:stack',
                          'multipath': False, 'platform': 'x86_64', 'os_type': 'linux'}}})
        self.attached.append(volume_id)
        admin.cinder('POST', '/attachments/{}/action'.format(attachment['attachment']['id']),
                     {'os-complete': None})
        _wait_status(admin, 'volume', volume_id, 'in-use', 60)

    def backup(self, volume_id, name, user='alice', incremental=False, description=None):
        """A backup of the volume made as USER (by hand, as an operator would:
        no workflow's description unless DESCRIPTION), once it is available."""
        api = self.sessions[user]
        backup_id = api.cinder('POST', '/backups', {'backup': {
            'volume_id': volume_id, 'name': name, 'incremental': incremental,
            'force': True, 'description': description}})['backup']['id']
        self.backups.append(backup_id)
        _wait_status(api, 'backup', backup_id, 'available', 300)
        return backup_id

    def restore(self, backup_id, user='alice'):
        """A new volume restored from the backup as USER, once it and the
        backup are available again."""
        api = self.sessions[user]
        volume_id = api.cinder('POST', '/backups/{}/restore'.format(backup_id),
                               {'restore': {}})['restore']['volume_id']
        self.made.append(volume_id)
        _wait_status(api, 'volume', volume_id, 'available', 300)
        _wait_status(api, 'backup', backup_id, 'available', 60)
        return volume_id

    def adopt(self, volume_id):
        """Delete VOLUME_ID too (a volume a workflow created)."""
        self.made.append(volume_id)

    def _delete(self, volume_id):
        """True once the volume is deleted or being deleted. Cinder refuses
        (400) while it still finishes an operation, e.g. just after a restore."""
        try:
            self.sessions['admin'].cinder('DELETE', '/volumes/' + volume_id, cascade='true')
        except ApiError as error:
            if error.status == 400:
                return False
            if error.status != 404:
                raise
        return True

    def _backup_gone(self, backup_id):
        try:
            self.sessions['admin'].cinder('GET', '/backups/' + backup_id)
        except ApiError as error:
            if error.status == 404:
                return True
            raise
        return False

    def delete_backup(self, backup_id):
        """Delete the backup, whoever made it, and wait until it is gone."""
        admin = self.sessions['admin']
        try:
            # One a rotation is deleting goes on its own; Cinder refuses a second delete.
            if admin.cinder('GET', '/backups/' + backup_id)['backup']['status'] != 'deleting':
                admin.cinder('DELETE', '/backups/' + backup_id)
        except ApiError as error:
            if error.status == 404:
                return
            raise
        wait_until('backup {} to be deleted'.format(backup_id),
                   lambda: self._backup_gone(backup_id), 120, interval=2)

    def delete_all(self):
        """Delete the backups (newest first: an incremental one's parent
        cannot go before it) and the volumes, and wait until they are gone:
        a volume still 'deleting' would be selected, and skipped, by the next
        test's run."""
        admin = self.sessions['admin']
        for backup_id in reversed(self.backups):
            self.delete_backup(backup_id)
        self.backups = []
        # Deleting the attachment, or a forced detach, would ask Nova about
        # its server: reset the volume's attach status (which drops its
        # attachments) instead.
        for volume_id in self.attached:
            admin.cinder('POST', '/volumes/{}/action'.format(volume_id), {'os-reset_status': {
                'status': 'available', 'attach_status': 'detached'}})
        self.attached = []
        for volume_id in self.made:
            wait_until('Cinder to accept deleting volume ' + volume_id,
                       lambda: self._delete(volume_id), 60, interval=2)
        made, self.made = set(self.made), []
        wait_until('volumes {} to be deleted'.format(made), lambda: not made & {
            volume['id'] for volume in admin.cinder_list('/volumes', 'volumes', all_tenants=1)},
            120, interval=2)
