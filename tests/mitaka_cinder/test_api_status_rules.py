"""Cinder 8.1.1's own API (Mitaka, Fuel 9's Cinder) on Python 2.7: the
status rules the sample workbook relies on, run rather than read.

The API runs from .venv/mitaka-cinder with its own SQLite database
(`cinder-manage db sync`), Cinder's noauth middleware and oslo.messaging's
fake transport: the RPC casts to the scheduler, volume and backup services
go nowhere. STAND-IN, named as such: those services do not run, so a test
places its volumes on a host and marks the services up in the database
itself, and moves a snapshot to 'available' with the admin API, as the
volume service would. What the API itself decides is Cinder 8.1.1's.
"""

import datetime
import json
import os
import socket
import sqlite3
import subprocess
import tarfile
import urllib.error
import urllib.request

import pytest
from mirakuru import HTTPExecutor

from support.project import MITAKA_CINDER, REPO

VENDOR = os.environ.get('MITAKA_VENDOR', str(REPO.parent / 'shared' / 'vendor' / 'mitaka'))
HOST = 'node-1@lvm#lvm'

# SQLite 3.26+ renames references on ALTER TABLE ... RENAME, which
# sqlalchemy-migrate's table copies (Cinder 8's migrations) do not expect.
LEGACY_ALTER_TABLE = """
import sys
from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, 'connect')
def legacy_alter_table(connection, record):
    connection.execute('PRAGMA legacy_alter_table = ON')


from cinder.cmd import {command}
sys.exit({command}.main())
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class CinderApi:
    def __init__(self, url, database):
        self.url = url
        self.database = database

    def call(self, method, path, body=None, project='admin'):
        """(HTTP status, JSON answer) as the user 'admin' of PROJECT (noauth:
        admin in its own project, a member elsewhere)."""
        request = urllib.request.Request(
            self.url + '/v2/' + project + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={'X-Auth-Token': ('admin:admin' if project == 'admin'
                                      else 'member:' + project),
                     'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def volume(self, name, status, project='admin'):
        """A volume of PROJECT in STATUS on HOST: made through the API, then
        placed and set in the database (STAND-IN for the scheduler and
        volume service)."""
        code, answer = self.call('POST', '/volumes', {'volume': {'size': 1, 'name': name}},
                                 project=project)
        assert code == 202, answer
        volume_id = answer['volume']['id']
        with sqlite3.connect(self.database) as db:
            db.execute('UPDATE volumes SET host = ?, status = ? WHERE id = ?',
                       (HOST, status, volume_id))
        return volume_id

    def status(self, kind, resource_id):
        code, answer = self.call('GET', '/{}s/{}'.format(kind, resource_id))
        assert code == 200, answer
        return answer[kind]['status']

    def available_snapshot(self, volume_id, **extra):
        """A snapshot as the workbook asks for it, made 'available' with the
        admin API (STAND-IN for the volume service)."""
        code, answer = self.call('POST', '/snapshots', {'snapshot': dict(
            volume_id=volume_id, name='by_create_backups_workflow', **extra)})
        assert code == 202, answer
        snapshot_id = answer['snapshot']['id']
        code, answer = self.call('POST', '/snapshots/{}/action'.format(snapshot_id),
                                 {'os-reset_status': {'status': 'available'}})
        assert code == 202, answer
        return snapshot_id


@pytest.fixture(scope='module')
def cinder_api(tmp_path_factory):
    work = tmp_path_factory.mktemp('cinder-8.1.1')
    sdist = os.path.join(VENDOR, 'cinder-8.1.1.tar.gz')
    if not os.path.isfile(sdist):
        pytest.fail('{} is missing: run tools/install-deps.sh (or set MITAKA_VENDOR)'.format(sdist))
    with tarfile.open(sdist) as tar:
        for name in ('api-paste.ini', 'policy.json'):
            member = tar.getmember('cinder-8.1.1/etc/cinder/' + name)
            (work / name).write_bytes(tar.extractfile(member).read())
    database = work / 'cinder.sqlite'
    port = free_port()
    (work / 'cinder.conf').write_text('\n'.join([
        '[DEFAULT]', 'auth_strategy = noauth', 'osapi_volume_listen = 127.0.0.1',
        'osapi_volume_listen_port = {}'.format(port), 'osapi_volume_workers = 1',
        'api_paste_config = {}'.format(work / 'api-paste.ini'), 'rpc_backend = fake',
        'state_path = {}'.format(work),
        '[oslo_policy]', 'policy_file = {}'.format(work / 'policy.json'),
        '[database]', 'connection = sqlite:///{}'.format(database),
        '[oslo_concurrency]', 'lock_path = {}'.format(work), '']))
    python = str(MITAKA_CINDER / 'bin' / 'python')
    if not os.path.exists(python):
        pytest.fail('{} is missing: run tools/install-deps.sh'.format(python))
    config = ['--config-file', str(work / 'cinder.conf')]
    for command in ('manage', 'api'):
        (work / (command + '.py')).write_text(LEGACY_ALTER_TABLE.format(command=command))
    sync = subprocess.run([python, str(work / 'manage.py'), *config, 'db', 'sync'],
                                        capture_output=True, text=True, check=False)
    assert sync.returncode == 0, sync.stderr[-3000:]
    # STAND-IN: the volume and backup services, up as far as the API asks.
    now = datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S')
    with sqlite3.connect(database) as db:
        for binary, host in (('cinder-volume', 'node-1@lvm'), ('cinder-backup', 'node-1')):
            db.execute('INSERT INTO services (created_at, updated_at, deleted, host, `binary`, '
                       'topic, report_count, disabled, availability_zone) '
                       "VALUES (?, ?, 0, ?, ?, ?, 1, 0, 'nova')", (now, now, host, binary, binary))
    url = 'http://127.0.0.1:{}'.format(port)
    executor = HTTPExecutor([python, str(work / 'api.py'), *config], url=url + '/',
                            status='300', timeout=120)
    with executor:
        yield CinderApi(url, database)


def test_a_backup_from_a_snapshot_marks_the_volume_not_the_snapshot(cinder_api):
    """What the workbook's waits read on Fuel 9: the volume is
    'backing-up' while its backup runs, the snapshot stays 'available' (from
    Cinder 10 on, the snapshot is marked instead)."""
    volume_id = cinder_api.volume('in-use-db', 'in-use')
    snapshot_id = cinder_api.available_snapshot(volume_id, force=True)
    code, answer = cinder_api.call('POST', '/backups', {'backup': {
        'volume_id': volume_id, 'snapshot_id': snapshot_id, 'incremental': False,
        'name': 'by_create_backups_workflow'}})
    assert code == 202, answer
    assert cinder_api.status('volume', volume_id) == 'backing-up'
    assert cinder_api.status('snapshot', snapshot_id) == 'available'


def test_an_in_use_volume_needs_force_for_its_snapshot_not_for_its_backup(cinder_api):
    """The workbook's create_snapshot passes force=true; its create_backup
    passes none, which Mitaka takes for a backup of a snapshot."""
    volume_id = cinder_api.volume('in-use-web', 'in-use')
    code, answer = cinder_api.call('POST', '/snapshots', {'snapshot': {
        'volume_id': volume_id, 'name': 'by_create_backups_workflow'}})
    assert code == 400 and 'in-use' in answer['badRequest']['message'], answer
    snapshot_id = cinder_api.available_snapshot(volume_id, force=True)
    code, answer = cinder_api.call('POST', '/backups', {'backup': {
        'volume_id': volume_id, 'snapshot_id': snapshot_id}})
    assert code == 202, answer


def test_a_volume_being_backed_up_takes_a_forced_snapshot_but_no_second_backup(cinder_api):
    """Two overlapping runs: Cinder 8 takes the second run's forced snapshot
    of a volume being backed up and refuses only its backup, after the
    snapshot is made. The workbook's get_volume is what keeps the second
    run off: it skips a volume that is not available or in-use ('status is
    backing-up')."""
    volume_id = cinder_api.volume('busy', 'available')
    snapshot_id = cinder_api.available_snapshot(volume_id, force=True)
    code, answer = cinder_api.call('POST', '/backups', {'backup': {
        'volume_id': volume_id, 'snapshot_id': snapshot_id}})
    assert code == 202, answer
    second_snapshot_id = cinder_api.available_snapshot(volume_id, force=True)
    code, answer = cinder_api.call('POST', '/backups', {'backup': {
        'volume_id': volume_id, 'snapshot_id': second_snapshot_id}})
    assert code == 400 and '"backing-up"' in answer['badRequest']['message'], answer


def test_a_page_marker_deleted_between_two_pages_is_a_404(cinder_api):
    """Why the workbook's listing treats an error as an error and not as
    the end of the list: Cinder 8 looks the marker up."""
    code, answer = cinder_api.call(
        'GET', '/volumes/detail?all_tenants=1&limit=1&marker=00000000-0000-0000-0000-000000000000')
    assert code == 404 and 'VolumeNotFound' in answer['itemNotFound']['message'], answer


def test_in_admin_mode_snapshots_and_backups_count_against_admins_project(cinder_api):
    """The guide's quota section: admin's snapshot and backup of another
    project's volume are admin's, and count against admin's quotas (Cinder
    8's defaults: 10 snapshots, 10 backups, 1000 GiB each way)."""
    def usage(project):
        code, answer = cinder_api.call('GET', '/os-quota-sets/{}?usage=true'.format(project))
        assert code == 200, answer
        return {name: answer['quota_set'][name]['in_use']
                for name in ('snapshots', 'backups', 'backup_gigabytes', 'gigabytes')}

    before = {project: usage(project) for project in ('admin', 'tenant-b')}
    volume_id = cinder_api.volume('tenant-b-data', 'available', project='tenant-b')
    snapshot_id = cinder_api.available_snapshot(volume_id, force=True)
    code, answer = cinder_api.call('POST', '/backups', {'backup': {
        'volume_id': volume_id, 'snapshot_id': snapshot_id}})
    assert code == 202, answer
    added = {project: {name: usage(project)[name] - before[project][name]
                       for name in before[project]} for project in before}
    assert added['admin'] == {'snapshots': 1, 'backups': 1, 'backup_gigabytes': 1,
                              'gigabytes': 1}
    assert added['tenant-b'] == {'snapshots': 0, 'backups': 0, 'backup_gigabytes': 0,
                                 'gigabytes': 1}
    code, answer = cinder_api.call('GET', '/os-quota-sets/admin')
    assert {name: answer['quota_set'][name] for name in ('snapshots', 'backups')} == {
        'snapshots': 10, 'backups': 10}
