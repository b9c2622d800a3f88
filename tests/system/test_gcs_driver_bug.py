"""The upstream GCS driver bug that tools/stack/cinder_backup.py works around.

Cinder's GoogleObjectWriter.close() calls .encode() on md5 digest bytes, which
fails on Python 3. When test_unpatched_driver_still_fails starts failing,
Cinder has fixed the bug: delete the workaround and this file.
"""

import os
import pathlib
import subprocess

import pytest

import stack as stack_module

HERE = pathlib.Path(__file__).resolve().parent
PYTHON = stack_module.PYTHON



def write_probe(stack, name, *options):
    env = dict(os.environ, https_proxy='http://127.0.0.1:{}'.format(
        stack_module.PORTS['gcs_front']), HTTPLIB2_CA_CERTS=str(stack.ca_cert))
    result = subprocess.run(
        [PYTHON, str(HERE / 'gcs_writer_probe.py'), '/etc/cinder/cinder.conf', name, *options],
        capture_output=True, text=True, env=env, timeout=120)
    if result.returncode:
        pytest.fail('gcs_writer_probe.py failed:\n' + result.stderr)
    return result.stdout.strip().splitlines()[-1]


def test_unpatched_driver_still_fails_on_python3(stack):
    assert write_probe(stack, 'probe/unpatched') == (
        "GCSConnectionFailure: Google Cloud Storage connection failure: "
        "'bytes' object has no attribute 'encode'")


def test_workaround_lets_the_driver_write(stack, gcs):
    assert write_probe(stack, 'probe/with-workaround', '--with-workaround') == 'written'
    assert 'probe/with-workaround' in gcs.object_names(
        stack.settings['backup_gcs_bucket'], 'probe/')
