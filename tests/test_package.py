"""The plugin package: fuel-plugin-builder accepts it and builds the RPM an
operator installs on the Fuel master with `fuel plugins --install`."""

import shutil

import pytest

from support.project import (PLUGIN_DIR_ON_MASTER, REPO, SHIPPED, deployment_scripts,
                             differs_from_the_repository, run, stale_files)


def test_fpb_check_accepts_the_repository(fpb):
    result = run([str(fpb), '--check', str(REPO)])
    assert 'Plugin is valid' in result.stdout


def rpm_query(rpm, fmt):
    return run(['rpm', '-qp', '--queryformat', fmt, str(rpm)]).stdout


def test_rpm_is_named_as_the_fuel_master_expects(built_rpm):
    assert built_rpm.name == 'fuel-plugin-cinder-gcs-1.0-1.0.0-1.noarch.rpm'
    assert rpm_query(built_rpm, '%{NAME} %{VERSION} %{RELEASE} %{ARCH}') == \
        'fuel-plugin-cinder-gcs-1.0 1.0.0 1 noarch'
    assert rpm_query(built_rpm, '%{LICENSE}') == 'Apache License Version 2.0'


def test_rpm_holds_only_the_plugin_payload(built_rpm):
    files = run(['rpm', '-qpl', str(built_rpm)]).stdout.split()
    prefix = '/' + PLUGIN_DIR_ON_MASTER
    assert all(f == prefix or f.startswith(prefix + '/') for f in files)
    relative = {f[len(prefix) + 1:] for f in files if f != prefix}
    for wanted in SHIPPED + ['LICENSE', 'deployment_scripts',
                             'repositories/ubuntu/Packages.gz']:
        assert wanted in relative
    # Development files do not belong on the Fuel master.
    for unwanted in ('tests', 'tools', 'Makefile', '.ci'):
        assert unwanted not in relative


@pytest.mark.parametrize('path', SHIPPED)
def test_installed_file_is_byte_identical_to_the_repository(installed_plugin,
                                                            path):
    assert not differs_from_the_repository(installed_plugin, path)


def test_installed_deployment_scripts_match_the_repository(installed_plugin):
    scripts = deployment_scripts()
    assert scripts, 'the repository has no deployment scripts'
    for path in scripts:
        assert not differs_from_the_repository(installed_plugin, path), path


def test_a_plugin_older_than_the_repository_is_told_apart(installed_plugin, tmp_path):
    """What the guard on CINDER_GCS_RPM (tests/conftest.py, fuel_master)
    reads: a system-test run given an RPM built before the last change
    fails and names the files that changed (the guard itself is not run
    here: that would take a second, stale RPM)."""
    older = tmp_path / 'plugin'
    shutil.copytree(installed_plugin, older, symlinks=True)
    assert stale_files(older) == []
    workbook = older / 'examples' / 'mistral_workbook.yaml'
    workbook.write_text(workbook.read_text() + '# changed after the build\n')
    script = sorted(deployment_scripts())[0]
    (older / script).unlink()
    assert stale_files(older) == ['examples/mistral_workbook.yaml', str(script)]
