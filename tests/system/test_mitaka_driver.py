"""Mitaka's own GCS driver (cinder 8.1.1, Python 2.7) through what a Fuel 9
node gets from the plugin: the client libraries as the packaged Puppet task
installs them with Python 2.7 and setuptools 3.3 (no pip), PYTHONPATH from the
/etc/default/cinder-backup it wrote, and the cinder.conf it wrote; against
the stack's GCS emulator through the same TLS front as Zed's cinder-backup.

The whole Mitaka cinder-backup service cannot run here: mitaka_driver_probe.py
drives the driver class itself (its backup() and restore(), as the backup
manager calls them) in the node's view of the file system."""

import json
import pathlib
import subprocess

import pytest

import stack as stack_module
from support.fuel_nodes import astute, fuel_cinder_conf, node_python_override
from support.polling import wait_until
from support.project import node_install_env
from support.puppet_sandbox import Sandbox

HERE = pathlib.Path(__file__).resolve().parent

MODULES = 'deployment_scripts/puppet/modules'
LIBRARIES = '/usr/lib/fuel-plugin-cinder-gcs/python2.7'
# A bucket of its own, created by the driver from the plugin's settings;
# the workflow tests' bucket stays as they expect it.
BUCKET = 'cinder-gcs-mitaka-driver'
UPLOADS = '^/upload/storage/v1/b/{}/o'.format(BUCKET)
# How long later google-api-python-client releases let a request wait for
# an answer (googleapiclient.http.DEFAULT_HTTP_TIMEOUT_SEC, 1.7 on), as
# Zed's driver has it: the hang below outlasts it.
LATER_CLIENT_TIMEOUT = 60


def fuel9_node(stack, installed_plugin, node_python, work, **settings):
    """An LVM cinder node of Fuel 9 after the plugin's backup task, applied
    with the plugin's defaults (Mitaka's driver path, the bundled libraries)
    and the stack's GCS settings, changed by these."""
    sandbox = Sandbox(work / 'sandbox', installed_plugin / MODULES)
    sandbox.path('/etc/cinder/cinder.conf').write_text(fuel_cinder_conf('lvm-cinder'))
    settings = dict(stack.settings, backup_gcs_bucket=BUCKET, **settings)
    hiera = astute('lvm-cinder', settings, **node_python_override(node_python))
    applied = sandbox.apply('cinder_gcs_backup.pp', hiera, env=node_install_env(work))
    assert not applied.failed, applied.stdout + applied.stderr
    return sandbox


@pytest.fixture(scope='module')
def node(stack, installed_plugin, node_python, tmp_path_factory):
    return fuel9_node(stack, installed_plugin, node_python, tmp_path_factory.mktemp('node'))


def driver_command(stack, mitaka_cinder, work, *flags):
    """The probe as cinder-backup's init job starts a process: the node's
    /etc/default/cinder-backup sourced first; and its environment."""
    command = ['bash', '-c', '. /etc/default/cinder-backup && exec "$@"', 'cinder-backup',
               str(mitaka_cinder / 'bin' / 'python'), str(HERE / 'mitaka_driver_probe.py'),
               '/etc/cinder/cinder.conf', str(work), *flags]
    front = 'http://127.0.0.1:{}'.format(stack_module.PORTS['gcs_front'])
    env = {'PATH': '/usr/bin:/bin', 'HOME': str(work), 'TMPDIR': str(work),
           # Only this process goes through the GCS front, which holds the
           # CA. Mitaka's driver takes its proxy from http_proxy, for https
           # too (httplib2.proxy_info_from_environment() reads the 'http'
           # scheme's variable), unless backup_gcs_proxy_url is set.
           'http_proxy': front, 'HTTPLIB2_CA_CERTS': str(stack.ca_cert)}
    return command, env


def run_driver(stack, node, mitaka_cinder, work, *flags):
    command, env = driver_command(stack, mitaka_cinder, work, *flags)
    result = node.run_in_node(command, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_full_and_incremental_backup_restore_byte_identical(
        stack, node, mitaka_cinder, gcs, tmp_path):
    report = run_driver(stack, node, mitaka_cinder, tmp_path)
    assert report['python'].startswith('2.7.')
    assert report['cinder'] == '8.1.1'
    assert report['driver'] == 'cinder.backup.drivers.google.GoogleBackupDriver'
    # Every Google library came from the plugin's directory, none from
    # cinder's own environment (which has Mitaka's older pins).
    assert sorted(report['library_files']) == sorted(
        ['googleapiclient', 'oauth2client', 'httplib2', 'six', 'uritemplate', 'rsa', 'pyasn1'])
    assert all(path.startswith(LIBRARIES + '/') for path in report['library_files'].values()), \
        report['library_files']
    full, incremental = report['full'], report['incremental']
    for backup in (full, incremental):
        assert 'error' not in backup, backup
        assert backup['restored_sha256'] == backup['source_sha256']
        assert backup['container'] == BUCKET
    assert full['source_sha256'] != incremental['source_sha256']

    # Objects named as Mitaka names them, in the bucket of the settings,
    # which the driver asked Google to create with the settings' location
    # and class (the emulator keeps neither).
    names = gcs.object_names(BUCKET)
    for backup in (full, incremental):
        assert backup['prefix'].startswith('volume_')
        assert backup['prefix'].endswith('/az_nova_backup_' + backup['id'])
        mine = [name for name in names if name.startswith(backup['prefix'])]
        assert backup['prefix'] + '_metadata' in mine
        assert backup['prefix'] + '_sha256file' in mine
        assert backup['prefix'] + '-00001' in mine
    assert gcs.bucket_creations(BUCKET) == [{
        'name': BUCKET, 'location': stack.settings['backup_gcs_bucket_location'],
        'storageClass': stack.settings['backup_gcs_storage_class']}]
    # Resumable uploads of several chunks each (the settings' 256 KiB).
    assert sum(r['method'] == 'PUT' and r['status'] == 308 for r in gcs.requests()
               if BUCKET in r['path']) >= 4

    # No warning and no traceback per backup, restore or driver build.
    assert report['warnings'] == []



def test_one_upload_error_hangs_a_resumable_backup(
        stack, node, mitaka_cinder, gcs_faults, tmp_path):
    """The bundled google-api-python-client 1.5.5 cannot retry a chunk of a
    resumable upload (the default, backup_gcs_writer_chunk_size 2 MiB): the
    retry announces the chunk's length and sends no byte (the stream was
    read to the end by the first attempt). Mitaka's driver builds its
    httplib2.Http without a timeout, so it waits for an answer for ever, and
    the backup stays 'creating' until cinder-backup restarts. When this
    test fails because the backup ends, the client has changed: update the
    guide's troubleshooting and limitations."""
    gcs_faults.inject({'method': 'PUT', 'path': UPLOADS, 'status': 503, 'times': 1})
    command, env = driver_command(stack, mitaka_cinder, tmp_path, '--full-only')
    with subprocess.Popen(node.in_node(command), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as probe:
        try:
            wait_until('the injected 503', lambda: gcs_faults.answered(503) == 1, 120, interval=0.5)
            with pytest.raises(subprocess.TimeoutExpired):
                probe.wait(timeout=LATER_CLIENT_TIMEOUT + 10)
        finally:
            probe.kill()
    # Once the client is gone, the front logs what it was still waiting for.
    wait_until('the unanswered retry in the front\'s log', gcs_faults.unanswered, 30,
               interval=0.5)
    retried, = gcs_faults.unanswered()
    assert retried['method'] == 'PUT' and int(retried['content_length']) > 0, retried
    assert 'received 0 bytes' in retried['error'], retried


def test_single_request_uploads_are_retried(
        stack, installed_plugin, node_python, mitaka_cinder, gcs_faults, tmp_path):
    """backup_gcs_writer_chunk_size -1 (one request per object) is the
    setting that lets backup_gcs_num_retries work on Fuel 9: the client
    sends the whole object again."""
    node = fuel9_node(stack, installed_plugin, node_python, tmp_path / 'node',
                      backup_gcs_writer_chunk_size='-1')
    gcs_faults.inject({'method': 'POST', 'path': UPLOADS, 'status': 503, 'times': 1})
    report = run_driver(stack, node, mitaka_cinder, tmp_path, '--full-only')
    assert gcs_faults.answered(503) == 1, 'the injected 503 did not happen'
    full = report['full']
    assert 'error' not in full, full
    assert full['restored_sha256'] == full['source_sha256']
    assert gcs_faults.unanswered() == []
