"""Fixtures of the bundled-libraries tests: the libraries as the built
package carries them (node_python, the Python 2.7 that installs and imports
them, is shared with the system tests: tests/conftest.py)."""

import re

import pytest

from support.project import REPO

MODULES = 'deployment_scripts/puppet/modules'
MODULE = MODULES + '/cinder_gcs'
DISTS = MODULE + '/files/python-libs'
INSTALLER = REPO / MODULE / 'files' / 'install_python_libs.sh'
REQUIREMENTS = REPO / DISTS / 'requirements.txt'
DISCOVERY_DOC = REPO / '.cache' / 'discovery' / 'storage.v1.json'


def pins():
    """{sha256: 'name==version'} from the module's requirements.txt."""
    found = re.findall(r'^(\S+==\S+) --hash=sha256:([0-9a-f]{64})$',
                       REQUIREMENTS.read_text(), re.M)
    return {digest: pin for pin, digest in found}


@pytest.fixture(scope='session')
def bundled_dists(installed_plugin):
    return installed_plugin / DISTS


@pytest.fixture(scope='session')
def discovery_doc():
    if not DISCOVERY_DOC.is_file():
        pytest.fail('{} is missing: run tools/install-deps.sh'.format(DISCOVERY_DOC))
    return DISCOVERY_DOC
