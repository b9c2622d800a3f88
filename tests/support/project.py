"""What the test suites share besides fixtures: where things are, the plugin's
names, the GCS driver's defaults, and how to run a command in a test. Import
it as `support.project` (pytest.ini puts tests/ on the import path)."""

import filecmp
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
VENV_ROOT = REPO / '.venv'
# Made by tools/install-py27.sh.
NODE_PYTHON = VENV_ROOT / 'py27-node'
MITAKA_CINDER = VENV_ROOT / 'mitaka-cinder'
PLUGIN_NAME = 'fuel-plugin-cinder-gcs'
PLUGIN_DIR_ON_MASTER = 'var/www/nailgun/plugins/fuel-plugin-cinder-gcs-1.0'
# What the Fuel master needs from the package, compared byte for byte.
SHIPPED = [
    'metadata.yaml',
    'environment_config.yaml',
    'deployment_tasks.yaml',
    'components.yaml',
    'tasks.yaml',
    'network_roles.yaml',
    'node_roles.yaml',
    'volumes.yaml',
    'examples/mistral_workbook.yaml',
]
# Defaults of Mitaka's GCS backup driver (cinder/backup/drivers/google.py);
# the plugin's defaults must be these so that enabling the plugin changes
# nothing the operator did not choose. Strings: Fuel text fields hold text.
DRIVER_DEFAULTS = {
    'backup_gcs_object_size': '52428800',
    'backup_gcs_block_size': '32768',
    'backup_gcs_reader_chunk_size': '2097152',
    'backup_gcs_writer_chunk_size': '2097152',
    'backup_gcs_num_retries': '3',
    'backup_gcs_retry_error_codes': '429',
    'backup_gcs_bucket_location': 'US',
    'backup_gcs_storage_class': 'NEARLINE',
    'backup_gcs_user_agent': 'gcscinder',
    'backup_gcs_enable_progress_timer': True,
}


def run(cmd, **kwargs):
    """Run a command, failing the test with its output if it fails."""
    kwargs.setdefault('cwd', REPO)
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        pytest.fail('{} exited {}\nstdout:\n{}\nstderr:\n{}'.format(
            ' '.join(map(str, cmd)), result.returncode, result.stdout,
            result.stderr))
    return result


def node_install_env(home, **extra):
    """The environment the node's library installer runs in: nothing of
    this machine's Python or pip configuration (PYTHON*, PIP_*), and a HOME
    of the test's own (setuptools reads ~/.pydistutils.cfg)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PIP_', 'PYTHON'))}
    env.update(HOME=str(home), **extra)
    return env


def deployment_scripts():
    """The repository's deployment scripts, relative to it."""
    return [path.relative_to(REPO) for path in (REPO / 'deployment_scripts').rglob('*')
            if path.is_file()]


def differs_from_the_repository(installed_plugin, path):
    """Whether the installed plugin's PATH (relative) is missing or not the
    repository's byte for byte."""
    installed = installed_plugin / path
    return not installed.is_file() or not filecmp.cmp(installed, REPO / path, shallow=False)


def stale_files(installed_plugin):
    """The shipped files and deployment scripts (relative) that the
    installed plugin lacks or holds in another version than the
    repository's: an RPM built before the last change."""
    return [str(path) for path in SHIPPED + deployment_scripts()
            if differs_from_the_repository(installed_plugin, path)]
