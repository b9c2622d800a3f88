"""Fixtures of the Fuel master tests: Fuel 9.0, 9.1, 9.2 and mitaka-eol's
own Nailgun and CLI (tools/stack/fuel9.py), one version after the
other, each with the plugin installed as the guide says and two
environments an operator made with the CLI.

These tests must run inside `tools/stack/in-namespace.sh --isolated`, as
`make test` and `make fuel-master-test` run them. A master that does not
start ends the run at once, with its log tail. The logs stay in
.cache/fuel-master-test/logs.
"""

import pytest

import fuel9
from support.project import REPO
from support.services import run_group, shown, start_or_exit

from .environments import ENVIRONMENTS, Environment, valid_settings

ROOT = REPO / '.cache' / 'fuel-master-test'


@pytest.fixture(scope='package')
def masters(request):
    yield from run_group(request, fuel9.FuelMasters(ROOT), 'the Fuel masters')


@pytest.fixture(scope='package', params=fuel9.VERSIONS)
def master(request, masters, built_rpm, installed_plugin):
    """A Fuel master of one version (the tests run on each) with the plugin
    installed from the built RPM by `fuel plugins --install`, whose run is
    kept as `master.installed` and the log records Nailgun wrote meanwhile
    as `master.install_log` (installed_plugin: an RPM built before the last
    change fails there)."""
    running = start_or_exit(request, 'Nailgun ' + request.param,
                            lambda: masters.start_master(request.param), masters.logs)
    before = running.log_mark()
    running.installed = running.fuel('plugins', '--install', built_rpm)
    running.install_log = running.log_records(since=before)
    yield running
    with shown(request):
        running.stop()


@pytest.fixture(scope='package')
def environments(master, service_account_key, tmp_path_factory):
    """The environments of ENVIRONMENTS on MASTER, each made with the CLI
    and the plugin enabled with valid settings (`fuel settings --upload`)."""
    made = {}
    for name in ENVIRONMENTS:
        environment = Environment.create(master, name, tmp_path_factory.mktemp(name))
        environment.upload_plugin_settings(valid_settings(service_account_key))
        made[name] = environment
    return made
