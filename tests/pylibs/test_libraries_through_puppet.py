"""The configuration task installs the bundled libraries through Puppet,
from the module as the package ships it, with Python 2.7 and Ubuntu 14.04's
setuptools 3.3 and no pip (node_python has none), for cinder-backup only,
whichever upstart job starts it; it restarts cinder-backup when they
change, and names the driver in cinder.conf only once they are in place."""

import json
import pathlib
import re
import shlex

import pytest

from support import upstart
from support.fuel_nodes import astute, fuel_cinder_conf, node_python_override
from support.puppet_sandbox import Sandbox

from support.project import MITAKA_CINDER, node_install_env

from .conftest import MODULES

LIBRARIES = '/usr/lib/fuel-plugin-cinder-gcs/python2.7'
SERVICE_DEFAULTS = '/etc/default/cinder-backup'
JOB_OVERRIDE = '/etc/init/cinder-backup.override'
# Both styles of cinder-backup job a 14.04 node may have (upstart).
JOBS = {path.name.split('.')[1]: path.read_text()
        for path in sorted((pathlib.Path(__file__).parent / 'data').glob('cinder-backup.*.conf'))}
CINDER_CONF = '/etc/cinder/cinder.conf'
STAMP = LIBRARIES + '/.fuel-plugin-cinder-gcs-requirements'
INSTALL = 'Exec[cinder-gcs-install-client-libraries]'


@pytest.fixture
def packaged_sandbox(tmp_path, installed_plugin):
    """A sandbox applying the packaged module, with the cinder.conf Fuel's
    own task leaves on an LVM cinder node."""
    sandbox = Sandbox(tmp_path / 'sandbox', installed_plugin / MODULES)
    sandbox.path(CINDER_CONF).write_text(fuel_cinder_conf('lvm-cinder'))
    return sandbox


def node_hiera(settings, python):
    return astute('lvm-cinder', settings, **{'cinder_gcs::python': str(python)})


def test_libraries_installed_for_cinder_backup_and_restart_on_change(
        packaged_sandbox, default_settings, node_python, tmp_path):
    sandbox = packaged_sandbox
    hiera = astute('lvm-cinder', default_settings, **node_python_override(node_python))

    def apply():
        result = sandbox.apply('cinder_gcs_backup.pp', hiera, env=node_install_env(tmp_path))
        assert not result.failed, result.stdout + result.stderr
        return result

    first = apply()
    assert INSTALL in first.changed_resources()
    assert first.restarted('cinder-backup')
    assert (sandbox.path(LIBRARIES) / 'googleapiclient' / 'discovery.py').is_file()
    assert (sandbox.path(LIBRARIES) / 'httplib2' / '__init__.py').is_file()
    assert [name for name in first.resources() if name.startswith('Package[')] == []
    assert 'export PYTHONPATH={}\n'.format(LIBRARIES) in \
        sandbox.path(SERVICE_DEFAULTS).read_text()
    assert re.search(r'^backup_driver\s*=\s*cinder\.backup\.drivers\.google$',
                     sandbox.path(CINDER_CONF).read_text(), re.M)

    second = apply()
    assert second.changed_resources() == []
    assert not second.restarted('cinder-backup')

    # As after a plugin update that ships other pins.
    sandbox.path(STAMP).write_text('google-api-python-client==1.5.4\n')
    third = apply()
    assert third.changed_resources() == [INSTALL, 'Service[cinder-backup]']
    assert third.restarted('cinder-backup')


# Stand-in, named as such, for a node's Python 2.7 without python-setuptools:
# the node's Python with no site-packages.
PYTHON_WITHOUT_SETUPTOOLS = """#!/bin/sh
exec {python} -S "$@"
"""


def test_failed_install_stops_the_task_and_leaves_cinder_conf_as_it_was(
        packaged_sandbox, default_settings, node_python, tmp_path):
    """As on a node whose Python lacks setuptools: the driver must not be
    named in cinder.conf, or the next start of cinder-backup (a reboot,
    Fuel's Ceph tasks) dies on an ImportError."""
    sandbox = packaged_sandbox
    python = tmp_path / 'python2.7-without-setuptools'
    python.write_text(PYTHON_WITHOUT_SETUPTOOLS.format(
        python=shlex.quote(str(node_python / 'bin' / 'python'))))
    python.chmod(0o755)
    result = sandbox.apply('cinder_gcs_backup.pp', node_hiera(default_settings, python),
                           env=node_install_env(tmp_path))
    assert result.failed
    assert 'ERROR: {} cannot import setuptools (package python-setuptools)'.format(python) \
        in result.stdout + result.stderr
    assert sandbox.path(CINDER_CONF).read_text() == fuel_cinder_conf('lvm-cinder')
    assert 'PYTHONPATH' not in sandbox.path(SERVICE_DEFAULTS).read_text()
    assert not sandbox.path(LIBRARIES).exists()
    assert not result.restarted('cinder-backup')
    skipped = [name for name, status in result.resources().items() if status['skipped']]
    assert 'Cinder_config[DEFAULT/backup_driver]' in skipped


# STUB of start-stop-daemon, named as such: it would start
# /usr/bin/cinder-backup (not on this machine) with the environment the job
# gave it; it runs Mitaka's GCS driver import in that environment instead,
# with Mitaka's Python 2.7, and tells where the client library came from.
START_STOP_DAEMON_STUB = """#!/bin/sh
# STUB of start-stop-daemon (tests/pylibs): imports Mitaka's GCS driver in
# the environment the job gave it, instead of starting cinder-backup.
exec {python} -c '
import json, os, sys
import cinder.backup.drivers.google
import googleapiclient
print(json.dumps({{"argv": sys.argv[1:], "PYTHONPATH": os.environ.get("PYTHONPATH"),
                  "googleapiclient": googleapiclient.__file__}}))
' "$@"
"""


def start_job(sandbox, job, tmp_path):
    """What cinder-backup's job JOB ('mos', 'ubuntu') runs, started as
    upstart would (support.upstart) with the node's override file."""
    stub = tmp_path / 'start-stop-daemon'
    stub.write_text(START_STOP_DAEMON_STUB.format(
        python=shlex.quote(str(MITAKA_CINDER / 'bin' / 'python'))))
    stub.chmod(0o755)
    override = sandbox.path(JOB_OVERRIDE)
    environment, argv = upstart.main_process(
        'cinder-backup', JOBS[job], override.read_text() if override.exists() else '')
    result = sandbox.run_in_node(
        ['env', '-i', *['{}={}'.format(*item) for item in sorted(environment.items())], *argv],
        files=[(stub, '/sbin/start-stop-daemon')])
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_cinder_backup_gets_the_libraries_whichever_upstart_job_starts_it(
        packaged_sandbox, default_settings, node_python, tmp_path):
    """A job as MOS builds it sources /etc/default/cinder-backup, one as
    Ubuntu writes it does not: the PYTHONPATH reaches both through the
    override's env stanza, and an operator's line of it stays. Upstart is
    stood in for (support.upstart); the driver import is Mitaka's."""
    sandbox = packaged_sandbox
    sandbox.path(JOB_OVERRIDE).write_text('manual\n')
    # Before the task: the driver would take the client of Mitaka's own
    # environment (the check can fail).
    for job in JOBS:
        assert not start_job(sandbox, job, tmp_path)['googleapiclient'].startswith(LIBRARIES)
    result = sandbox.apply('cinder_gcs_backup.pp',
                           astute('lvm-cinder', default_settings,
                                  **node_python_override(node_python)),
                           env=node_install_env(tmp_path))
    assert not result.failed, result.stdout + result.stderr
    assert sandbox.path(JOB_OVERRIDE).read_text() == 'manual\nenv PYTHONPATH={}\n'.format(
        LIBRARIES)
    assert sorted(JOBS) == ['mos', 'ubuntu']
    for job in JOBS:
        seen = start_job(sandbox, job, tmp_path)
        assert seen['PYTHONPATH'] == LIBRARIES, job
        assert seen['googleapiclient'].startswith(LIBRARIES + '/googleapiclient/'), job
        assert seen['argv'][-1] == '--config-file=/etc/cinder/cinder.conf', job
