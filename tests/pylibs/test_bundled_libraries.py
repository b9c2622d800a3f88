"""The Python 2.7 Google client libraries the package carries for Mitaka's
GCS backup driver: exactly the pinned files, all for Python 2, installable
offline by an Ubuntu 14.04 node's pip 1.5.4 and setuptools 3.3 on Python
2.7 (what Fuel 9 nodes have), and enough to build the storage client as the
driver does, without a warning. cinder 8.1.1's driver itself runs through
them in tests/system/test_mitaka_driver.py."""

import hashlib
import json
import pathlib
import shutil
import subprocess

import pytest

from support.project import offline_pip_env, run

from .conftest import INSTALLER, pins

PROBE = pathlib.Path(__file__).parent / 'storage_client_probe.py'


def distributions(directory):
    return sorted(p for p in directory.iterdir() if p.name != 'requirements.txt')


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_package_carries_exactly_the_pinned_distributions(bundled_dists):
    found = {sha256(p): p.name for p in distributions(bundled_dists)}
    assert sorted(found) == sorted(pins()), found
    assert len(pins()) == 8
    assert 'google-api-python-client==1.5.5' in pins().values()


def test_every_wheel_is_tagged_for_python2(bundled_dists):
    wheels = [p.name for p in distributions(bundled_dists) if p.suffix == '.whl']
    # name-version-pythontag-abitag-platformtag.whl
    tags = {name: name[:-len('.whl')].split('-')[-3] for name in wheels}
    assert [n for n, tag in tags.items() if not {'py2', 'cp27', 'py27'} & set(tag.split('.'))] == []
    sdists = sorted(set(p.name for p in distributions(bundled_dists)) - set(wheels))
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
    pytest.param(add_stray, id='an unpinned file that pip could pick'),
    pytest.param(remove_one, id='a pinned file missing'),
])
def test_node_refuses_distributions_that_are_not_the_pinned_ones(
        bundled_dists, tmp_path, node_python, spoil):
    dists = tmp_path / 'python-libs'
    shutil.copytree(bundled_dists, dists)
    expected = spoil(dists)
    target = tmp_path / 'target'
    result = subprocess.run(
        [str(INSTALLER), 'install', str(dists), str(target), str(node_python / 'bin' / 'pip')],
        capture_output=True, text=True, env=offline_pip_env(tmp_path))
    assert result.returncode != 0
    assert expected in result.stderr
    assert not target.exists()


@pytest.fixture(scope='module')
def installed_libraries(bundled_dists, node_python, tmp_path_factory):
    """The bundle installed by the node's installer with the node's pip."""
    target = tmp_path_factory.mktemp('libs') / 'python2.7'
    result = run([str(INSTALLER), 'install', str(bundled_dists), str(target),
                  str(node_python / 'bin' / 'pip')],
                 env=offline_pip_env(tmp_path_factory.mktemp('home')))
    # pip 1.5.4's own words: it built the two sdists with setuptools 3.3.
    assert 'Running setup.py install for httplib2' in result.stdout
    assert 'Running setup.py install for oauth2client' in result.stdout
    assert 'Successfully installed' in result.stdout
    return target


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
