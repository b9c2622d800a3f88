"""The Python 2.7 Google client libraries the package carries for Mitaka's
GCS backup driver: exactly the pinned files, all for Python 2, installed
offline by the module's installer with Python 2.7 and Ubuntu 14.04's
setuptools 3.3 and no pip (what Fuel 9 nodes have), whole or not at all,
and enough to build the storage client as the driver does, without a
warning. cinder 8.1.1's driver itself runs through
them in tests/system/test_mitaka_driver.py."""

import hashlib
import json
import pathlib
import shutil
import subprocess
import zipfile

import pytest

from support.project import node_install_env, run

from .conftest import INSTALLER, pins

PROBE = pathlib.Path(__file__).parent / 'storage_client_probe.py'


def distributions(directory):
    return sorted(p for p in directory.iterdir() if p.name != 'requirements.txt')


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def poisoned_pip(directory):
    """A PATH entry whose pip, pip2, pip2.7 and easy_install fail loudly
    (stand-ins, named as such): the install must call none of them."""
    directory.mkdir()
    for name in ('pip', 'pip2', 'pip2.7', 'easy_install'):
        tool = directory / name
        tool.write_text('#!/bin/sh\necho "{} was called (test stand-in)" >&2\nexit 99\n'
                        .format(name))
        tool.chmod(0o755)
    return directory


def install(dists, target, python, work):
    return subprocess.run(
        [str(INSTALLER), 'install', str(dists), str(target), str(python)],
        capture_output=True, text=True,
        env=node_install_env(work, PATH='{}:/usr/bin:/bin'.format(poisoned_pip(work / 'bin'))))


def test_package_carries_exactly_the_pinned_distributions(bundled_dists):
    found = {sha256(p): p.name for p in distributions(bundled_dists)}
    assert sorted(found) == sorted(pins()), found
    assert len(pins()) == 8
    assert 'google-api-python-client==1.5.5' in pins().values()


def test_every_wheel_is_pure_python_for_python2(bundled_dists):
    """What lets the installer unpack a wheel as its whole install."""
    wheels = [p for p in distributions(bundled_dists) if p.suffix == '.whl']
    # name-version-pythontag-abitag-platformtag.whl
    tags = {p.name: p.name[:-len('.whl')].split('-')[-3:] for p in wheels}
    assert {name: tag for name, tag in tags.items()
            if not {'py2', 'py27'} & set(tag[0].split('.')) or tag[1:] != ['none', 'any']} == {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            metadata, = {name for name in names if name.endswith('.dist-info/WHEEL')}
            assert 'Root-Is-Purelib: true' in archive.read(metadata).decode(), wheel.name
        assert [name for name in names if '.data/' in name] == [], wheel.name
    sdists = sorted(set(p.name for p in distributions(bundled_dists)) - {p.name for p in wheels})
    assert sdists == ['httplib2-0.15.0.tar.gz', 'oauth2client-3.0.0.tar.gz'], \
        'only these have no Python 2 wheel'


def tamper(dists):
    victim = dists / 'six-1.17.0-py2.py3-none-any.whl'
    victim.write_bytes(victim.read_bytes() + b'\0')
    return 'six-1.17.0-py2.py3-none-any.whl matches no pinned hash'


def add_stray(dists):
    shutil.copy(dists / 'six-1.17.0-py2.py3-none-any.whl', dists / 'six-1.16.0-py2.py3-none-any.whl')
    return 'holds 9 distributions, 8 are pinned'


def remove_one(dists):
    (dists / 'rsa-4.5-py2.py3-none-any.whl').unlink()
    return 'holds 7 distributions, 8 are pinned'


@pytest.mark.parametrize('spoil', [
    pytest.param(tamper, id='a file altered'),
    pytest.param(add_stray, id='an unpinned file'),
    pytest.param(remove_one, id='a pinned file missing'),
])
def test_node_refuses_distributions_that_are_not_the_pinned_ones(
        bundled_dists, tmp_path, node_python, spoil):
    dists = tmp_path / 'python-libs'
    shutil.copytree(bundled_dists, dists)
    expected = spoil(dists)
    target = tmp_path / 'target'
    result = install(dists, target, node_python / 'bin' / 'python', tmp_path)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not target.exists()


def test_the_node_has_no_pip(node_python):
    """What the installs below are proven on: an Ubuntu 14.04 node's
    setuptools 3.3 on Python 2.7, and no pip at all."""
    python = str(node_python / 'bin' / 'python')
    version = run([python, '-c', 'import setuptools; print(setuptools.__version__)']).stdout
    assert version == '3.3\n'
    assert subprocess.run([python, '-c', 'import pip'], capture_output=True).returncode == 1
    assert not list((node_python / 'bin').glob('pip*'))


@pytest.fixture(scope='module')
def installed_libraries(bundled_dists, node_python, tmp_path_factory):
    """The bundle installed by the node's installer with the node's Python."""
    work = tmp_path_factory.mktemp('install')
    target = work / 'lib' / 'python2.7'
    result = install(bundled_dists, target, node_python / 'bin' / 'python', work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'was called' not in result.stderr
    # setuptools 3.3 installed the two sdists, with their metadata as pip 1.5
    # left it; the wheels are unpacked with theirs; all byte-compiled.
    installed = sorted(path.name for path in target.iterdir() if 'info' in path.name)
    assert installed == [
        'google_api_python_client-1.5.5.dist-info', 'httplib2-0.15.0-py2.7.egg-info',
        'oauth2client-3.0.0-py2.7.egg-info', 'pyasn1-0.5.1.dist-info',
        'pyasn1_modules-0.3.0.dist-info', 'rsa-4.5.dist-info', 'six-1.17.0.dist-info',
        'uritemplate-3.0.1.dist-info']
    assert (target / 'oauth2client' / 'client.pyc').is_file()
    assert not target.with_name('python2.7.new').exists()
    return target


# Stand-in, named as such, for a Python whose setup.py runs fail (a broken
# setuptools, a full disk): the wheels are unpacked before the sdists.
PYTHON_FAILING_SETUP_PY = """#!/bin/sh
[ "$1" = setup.py ] && {{ echo "setup.py failed (test stand-in)" >&2; exit 1; }}
exec {python} "$@"
"""


def test_a_failed_install_leaves_the_previous_libraries_as_they_were(
        bundled_dists, installed_libraries, node_python, tmp_path):
    target = tmp_path / 'python2.7'
    shutil.copytree(installed_libraries, target, symlinks=True)
    stamp = target / '.fuel-plugin-cinder-gcs-requirements'
    stamp.write_text('# the bundle of an older plugin\n')
    before = sorted((str(path.relative_to(target)), path.stat().st_mtime_ns)
                    for path in target.rglob('*'))
    python = tmp_path / 'python'
    python.write_text(PYTHON_FAILING_SETUP_PY.format(python=node_python / 'bin' / 'python'))
    python.chmod(0o755)
    result = install(bundled_dists, target, python, tmp_path)
    assert result.returncode == 1
    assert 'setup.py failed (test stand-in)' in result.stderr
    assert 'ERROR: {} could not install {}/httplib2-0.15.0.tar.gz'.format(
        python, bundled_dists) in result.stderr
    assert sorted((str(path.relative_to(target)), path.stat().st_mtime_ns)
                  for path in target.rglob('*')) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ['bin', 'python', 'python2.7']


def test_installer_recognises_the_installed_bundle(bundled_dists, installed_libraries):
    run([str(INSTALLER), 'check', str(bundled_dists), str(installed_libraries)])
    stamp = installed_libraries / '.fuel-plugin-cinder-gcs-requirements'
    stamp.write_text(stamp.read_text() + '# an older bundle\n')
    assert subprocess.run([str(INSTALLER), 'check', str(bundled_dists),
                           str(installed_libraries)]).returncode == 1


def test_bundle_builds_the_storage_client_as_the_mitaka_driver_does(
        installed_libraries, node_python, discovery_doc, service_account_key, tmp_path):
    key_file = tmp_path / 'gcs-credentials.json'
    key_file.write_text(service_account_key)
    result = run([str(node_python / 'bin' / 'python'), str(PROBE), str(discovery_doc),
                  str(key_file)], env={'PYTHONPATH': str(installed_libraries), 'PATH': '/usr/bin:/bin',
                                       'TMPDIR': str(tmp_path)})
    built = json.loads(result.stdout.splitlines()[-1])
    assert built['python'].startswith('2.7.')
    assert built['versions'] == {'google-api-python-client': '1.5.5',
                                 'oauth2client': '3.0.0', 'httplib2': '0.15.0'}
    # Logged at WARNING and above while building: nothing (with oauth2client
    # 4, the discovery cache's "file_cache is unavailable" and a traceback).
    assert result.stderr == ''
    assert built['discovery_cache'] == 'file_cache'
    assert built['service_account_credentials']
    assert built['service_account_email'] == json.loads(service_account_key)['client_email']
    assert built['request'] == {
        'method': 'GET',
        # rootUrl of the current discovery document
        'uri': 'https://storage.googleapis.com/storage/v1/b/acme-cinder-backups/o'
               '?prefix=volume_&alt=json'}
    assert built['positional_decorator']
    # Every library came from the bundle, none from elsewhere.
    assert all(path.startswith(str(installed_libraries))
               for path in built['module_files'].values()), built['module_files']
