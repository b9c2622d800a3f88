"""fuel-plugin-builder 4.2.0 exactly as released, on Python 2.7: the builder
Fuel 9 operators run. `make build` uses a Python 3 port of it
(tools/port_fpb.py); these tests prove the plugin for the original too: it
accepts the plugin and builds the same package, from the same staging
(tools/build.sh with FPB set)."""

import os
import pathlib

import pytest

from support.project import REPO, run

# Python 2 and 3: the interpreter's version, then every installed file of
# the fuel-plugin-builder wheel whose digest differs from its RECORD.
UNMODIFIED_RELEASE = r'''
import base64, csv, hashlib, os, sys
import fuel_plugin_builder
site = os.path.dirname(os.path.dirname(fuel_plugin_builder.__file__))
print('%d.%d' % sys.version_info[:2])
with open(os.path.join(site, 'fuel_plugin_builder-4.2.0.dist-info',
                       'RECORD')) as record:
    for path, digest, _ in csv.reader(record):
        if not digest:
            continue
        algorithm, expected = digest.split('=', 1)
        with open(os.path.join(site, path), 'rb') as installed:
            actual = hashlib.new(algorithm, installed.read()).digest()
        if base64.urlsafe_b64encode(actual).rstrip(b'=').decode() != expected:
            print(path)
'''


@pytest.fixture(scope='module')
def released_build(fpb_py27, tmp_path_factory):
    """tools/build.sh run with the released builder: its output and RPM."""
    out = tmp_path_factory.mktemp('rpm-fpb-py27')
    result = run([str(REPO / 'tools' / 'build.sh')],
                 env=dict(os.environ, FPB=str(fpb_py27), OUTPUT_DIR=str(out)))
    rpm = pathlib.Path(result.stdout.strip().splitlines()[-1])
    assert rpm.parent == out and rpm.is_file(), result.stdout
    return result.stdout, rpm


def rpm_query(rpm, *args):
    return run(['rpm', '-qp', *args, str(rpm)]).stdout


def test_builder_is_the_unmodified_release_on_python27(fpb_py27):
    python = fpb_py27.parent / 'python'
    lines = run([str(python), '-c', UNMODIFIED_RELEASE]).stdout.split()
    assert lines == ['2.7'], 'the interpreter, then changed files: {}'.format(
        lines)


def test_released_fpb_check_accepts_the_staged_plugin(released_build):
    output, _ = released_build
    check = output.split('==> fpb --check\n')[1].split('==> fpb --build')[0]
    assert 'Plugin is valid' in check


def test_released_fpb_builds_the_package_the_port_builds(released_build,
                                                         built_rpm):
    _, rpm = released_build
    assert rpm.name == built_rpm.name
    nvra = '%{NAME} %{VERSION} %{RELEASE} %{ARCH}'
    assert rpm_query(rpm, '--queryformat', nvra) == \
        rpm_query(built_rpm, '--queryformat', nvra)
    assert rpm_query(rpm, '--list').splitlines() == \
        rpm_query(built_rpm, '--list').splitlines()


def test_released_fpb_packs_the_same_bytes_and_modes(released_build,
                                                     built_rpm):
    """Per file: size, digest, mode, owner and group (not the time)."""
    def files(path):
        dump = rpm_query(path, '--dump').splitlines()
        return [line.split()[:2] + line.split()[3:7] for line in dump]

    _, rpm = released_build
    assert files(rpm) == files(built_rpm)
