"""The Horizon task (cinder_gcs_horizon.pp): the Volume Backups panel is
enabled in local_settings.py and Apache is reloaded, once, as Fuel 9 does."""

import ast
import os
import pathlib

import pytest

MANIFEST = 'cinder_gcs_horizon.pp'
LOCAL_SETTINGS = '/etc/openstack-dashboard/local_settings.py'
UBUNTU = (pathlib.Path(__file__).parent / 'data' / 'local_settings_ubuntu.py').read_text()
# The same file without the OPENSTACK_CINDER_FEATURES dict, as some
# templates leave it.
NO_CINDER_DICT = UBUNTU.replace(
    "OPENSTACK_CINDER_FEATURES = {\n    'enable_backup': False,\n}\n", '')


def cinder_features(source):
    """OPENSTACK_CINDER_FEATURES as Django would see it: the statements of
    the file that set it, run in order (the others need Horizon)."""
    module = ast.parse(source)
    namespace = {}
    for statement in module.body:
        if 'OPENSTACK_CINDER_FEATURES' in ast.unparse(statement) and \
                isinstance(statement, (ast.Assign, ast.AugAssign)):
            exec(compile(ast.Module([statement], []), 'local_settings.py', 'exec'), namespace)
    return namespace.get('OPENSTACK_CINDER_FEATURES')


# STUBS, named as such: Apache cannot run here. They stand first on Puppet's
# PATH and record how they were called; sleep returns at once.
STUB_COMMAND = """#!/bin/sh
# STUB of the Horizon task test: records its call, starts nothing.
echo "$(basename "$0") $*" >> "{log}"
[ "$(basename "$0") $1" != "apachectl graceful" ] || exit {graceful_status}
"""


def stub_commands(directory, graceful_status=0):
    """PATH for Puppet with stub sleep and apachectl; returns (env, log)."""
    directory.mkdir()
    log = directory / 'calls.log'
    for name in ('sleep', 'apachectl'):
        stub = directory / name
        stub.write_text(STUB_COMMAND.format(log=log, graceful_status=graceful_status))
        stub.chmod(0o755)
    return dict(os.environ, PATH='{}:{}'.format(directory, os.environ['PATH'])), log


@pytest.fixture(params=[UBUNTU, NO_CINDER_DICT], ids=['ubuntu package', 'without the dict'])
def original(request, sandbox):
    sandbox.path(LOCAL_SETTINGS).write_text(request.param)
    return request.param


def test_backup_panel_enabled_and_apache_reloaded_once(sandbox, original, tmp_path):
    env, calls = stub_commands(tmp_path / 'stubs')
    assert cinder_features(original) in (None, {'enable_backup': False})
    first = sandbox.apply(MANIFEST, {}, env=env)
    assert not first.failed, first.stderr
    result = sandbox.path(LOCAL_SETTINGS).read_text()
    assert cinder_features(result) == {'enable_backup': True}
    # Only a line is added: the rest of the file is the package's.
    assert result.startswith(original) and result.count('\n') == original.count('\n') + 1
    assert first.restarted('apache2')
    assert calls.read_text() == 'sleep 30\napachectl graceful\n'

    second = sandbox.apply(MANIFEST, {}, env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.changed_resources() == []
    assert not second.restarted('apache2')
    assert calls.read_text() == 'sleep 30\napachectl graceful\n'
    assert sandbox.path(LOCAL_SETTINGS).read_text() == result


def test_apache_restarted_when_a_graceful_restart_fails(sandbox, tmp_path):
    """Fuel 9's fallback: when `apachectl graceful` fails, Apache is
    restarted."""
    env, calls = stub_commands(tmp_path / 'stubs', graceful_status=1)
    sandbox.path(LOCAL_SETTINGS).write_text(UBUNTU)
    result = sandbox.apply(MANIFEST, {}, env=env)
    assert not result.failed, result.stdout + result.stderr
    assert result.restarted('apache2')
    assert calls.read_text() == 'sleep 30\napachectl graceful\napachectl restart\n'
