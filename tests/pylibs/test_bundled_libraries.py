"""The Python 2.7 Google client libraries the package carries for Mitaka's
GCS backup driver: exactly the pinned files, all for Python 2, installable
offline, and enough to build the storage client as the driver does."""

import hashlib
import json
import pathlib
import shutil
import subprocess

import pytest

from conftest import run

from .conftest import INSTALLER, offline_pip_env, pins

PROBE = pathlib.Path(__file__).parent / 'storage_client_probe.py'


def distributions(directory):
    return sorted(p for p in directory.iterdir() if p.name != 'requirements.txt')


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_package_carries_exactly_the_pinned_distributions(bundled_dists):
    found = {sha256(p): p.name for p in distributions(bundled_dists)}
    assert sorted(found) == sorted(pins()), found
    assert len(pins()) == 9
    assert 'google-api-python-client==1.5.5' in pins().values()


def test_every_wheel_is_tagged_for_python2(bundled_dists):
    wheels = [p.name for p in distributions(bundled_dists) if p.suffix == '.whl']
    # name-version-pythontag-abitag-platformtag.whl
    tags = {name: name[:-len('.whl')].split('-')[-3] for name in wheels}
    assert [n for n, tag in tags.items() if not {'py2', 'cp27', 'py27'} & set(tag.split('.'))] == []
    sdists = sorted(set(p.name for p in distributions(bundled_dists)) - set(wheels))
    assert sdists == ['httplib2-0.20.1.tar.gz'], 'only httplib2 has no Python 2 wheel'


def tamper(dists):
    victim = dists / 'six-1.17.0-py2.py3-none-any.whl'
    victim.write_bytes(victim.read_bytes() + b'\0')
    return 'six-1.17.0-py2.py3-none-any.whl matches no pinned hash'


def add_stray(dists):
    shutil.copy(dists / 'six-1.17.0-py2.py3-none-any.whl', dists / 'six-1.16.0-py2.py3-none-any.whl')
    return 'holds 10 distributions, 9 are pinned'


def remove_one(dists):
    (dists / 'rsa-4.5-py2.py3-none-any.whl').unlink()
    return 'holds 8 distributions, 9 are pinned'


@pytest.mark.parametrize('spoil', [
    pytest.param(tamper, id='a file altered'),
    pytest.param(add_stray, id='an unpinned file that pip could pick'),
    pytest.param(remove_one, id='a pinned file missing'),
])
def test_node_refuses_distributions_that_are_not_the_pinned_ones(
        bundled_dists, tmp_path, fresh_python, spoil):
    dists = tmp_path / 'python-libs'
    shutil.copytree(bundled_dists, dists)
    expected = spoil(dists)
    target = tmp_path / 'target'
    result = subprocess.run(
        [str(INSTALLER), 'install', str(dists), str(target), str(fresh_python / 'bin' / 'pip')],
        capture_output=True, text=True, env=offline_pip_env())
    assert result.returncode != 0
    assert expected in result.stderr
    assert not target.exists()


@pytest.fixture(scope='module')
def installed_libraries(bundled_dists, fresh_python, tmp_path_factory):
    """The bundle installed by the node's installer, pip --no-index."""
    target = tmp_path_factory.mktemp('libs') / 'python2.7'
    run([str(INSTALLER), 'install', str(bundled_dists), str(target),
         str(fresh_python / 'bin' / 'pip')], env=offline_pip_env())
    return target


def test_installer_recognises_the_installed_bundle(bundled_dists, installed_libraries):
    run([str(INSTALLER), 'check', str(bundled_dists), str(installed_libraries)])
    stamp = installed_libraries / '.fuel-plugin-cinder-gcs-requirements'
    stamp.write_text(stamp.read_text() + '# an older bundle\n')
    assert subprocess.run([str(INSTALLER), 'check', str(bundled_dists),
                           str(installed_libraries)]).returncode == 1


def test_bundle_builds_the_storage_client_as_the_mitaka_driver_does(
        installed_libraries, fresh_python, discovery_doc, service_account_key, tmp_path):
    key_file = tmp_path / 'gcs-credentials.json'
    key_file.write_text(service_account_key)
    result = run([str(fresh_python / 'bin' / 'python'), str(PROBE), str(discovery_doc),
                  str(key_file)], env={'PYTHONPATH': str(installed_libraries), 'PATH': '/usr/bin:/bin'})
    built = json.loads(result.stdout.splitlines()[-1])
    assert built['versions'] == {'google-api-python-client': '1.5.5',
                                 'oauth2client': '4.1.3', 'httplib2': '0.20.1'}
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
