"""Fixtures shared by every test: the repository, its tools, the built RPM
and the Python 2.7 of a Fuel 9 node."""

import os
import pathlib

import pytest
import yaml

import plugin_deployment
from support.fuel_nodes import ADVANCED, PROJECT_ID
from support.project import (MITAKA_CINDER, NODE_PYTHON, PLUGIN_DIR_ON_MASTER, REPO,
                             VENV_ROOT, run, stale_files)


@pytest.fixture(scope='session')
def repo():
    return REPO


@pytest.fixture(scope='session')
def fpb():
    path = VENV_ROOT / 'fpb' / 'bin' / 'fpb'
    if not path.exists():
        pytest.fail('fuel-plugin-builder is missing: run tools/install-deps.sh')
    return path


@pytest.fixture(scope='session')
def fpb_py27():
    """fuel-plugin-builder 4.2.0 as released, on Python 2.7
    (tools/install-fpb-py27.sh)."""
    return _tool_environment(VENV_ROOT / 'fpb-py27', 'fpb') / 'bin' / 'fpb'


@pytest.fixture(scope='session')
def env_config():
    return yaml.safe_load((REPO / 'environment_config.yaml').read_text())


@pytest.fixture(scope='session')
def plugin_settings(env_config):
    """The UI settings, without the plugin's own metadata entry."""
    return {name: attr for name, attr in env_config['attributes'].items()
            if name != 'metadata'}


@pytest.fixture(scope='session')
def default_settings(plugin_settings, service_account_key):
    """The settings as Fuel passes them when the operator filled in the
    three required fields and left the defaults: the key file in base64."""
    settings = {name: attr['value'] for name, attr in plugin_settings.items()}
    settings.update({
        'backup_gcs_project_id': PROJECT_ID,
        'backup_gcs_bucket': 'acme-cinder-backups',
        'gcs_service_account_key': plugin_deployment.entered_key(service_account_key),
    })
    return settings


@pytest.fixture(scope='session')
def advanced_settings(default_settings):
    return dict(default_settings, **ADVANCED)


@pytest.fixture(scope='session')
def built_rpm(tmp_path_factory):
    """The RPM that `make build` makes, built once per test session, or the
    one CINDER_GCS_RPM names: `make system-test` builds it with the same
    tools/build.sh before it enters the stack's network namespace, where
    pre_build_hook could not download the client libraries."""
    if os.environ.get('CINDER_GCS_RPM'):
        return pathlib.Path(os.environ['CINDER_GCS_RPM'])
    out = tmp_path_factory.mktemp('rpm')
    result = run([str(REPO / 'tools' / 'build.sh')],
                 env=dict(os.environ, OUTPUT_DIR=str(out)))
    rpm = pathlib.Path(result.stdout.strip().splitlines()[-1])
    assert rpm.parent == out and rpm.is_file(), result.stdout
    return rpm


@pytest.fixture(scope='session')
def fuel_master(built_rpm, tmp_path_factory):
    """The Fuel master's file system after `fuel plugins --install`: the
    built RPM installed into an empty root (read it, don't change it). An
    RPM from CINDER_GCS_RPM must hold the repository's files."""
    root = tmp_path_factory.mktemp('fuel-master')
    run(['rpm', '-i', '--root', str(root), '--nodeps', '--noscripts',
         '--dbpath', str(root / 'rpmdb'), str(built_rpm)])
    if os.environ.get('CINDER_GCS_RPM'):
        # Built before the tests ran, maybe before the last change.
        stale = stale_files(root / PLUGIN_DIR_ON_MASTER)
        if stale:
            pytest.fail('{} is older than the repository (not the same: {}): rebuild it with '
                        'OUTPUT_DIR={} tools/build.sh'.format(
                            built_rpm, ', '.join(stale), built_rpm.parent))
    return root


@pytest.fixture(scope='session')
def installed_plugin(fuel_master):
    """The plugin's directory on the Fuel master."""
    return fuel_master / PLUGIN_DIR_ON_MASTER


@pytest.fixture(scope='session')
def service_account_key():
    """A service-account key file as the Google Cloud console hands it out:
    pretty-printed JSON, with a real throwaway RSA key."""
    return plugin_deployment.key_file_text(PROJECT_ID)


def _tool_environment(venv, executable):
    path = venv / 'bin' / executable
    if not path.exists():
        pytest.fail('{} is missing: run tools/install-deps.sh'.format(path))
    return venv


@pytest.fixture(scope='session')
def node_python():
    """Python 2.7 with Ubuntu 14.04's setuptools 3.3 and nothing else (no
    pip: Fuel 9 nodes have none), standing in for a Fuel 9 node's
    /usr/bin/python2.7. The library installer leaves it as it is."""
    return _tool_environment(NODE_PYTHON, 'python')


@pytest.fixture(scope='session')
def mitaka_cinder():
    """Python 2.7 with cinder 8.1.1 (Mitaka) at Mitaka's upper-constraints."""
    return _tool_environment(MITAKA_CINDER, 'python')
