"""Fixtures of the bundled-libraries tests: the libraries as the built
package carries them, and a fresh Python to install them into."""

import os
import re

import pytest

from conftest import REPO, run
# The plugin settings as Fuel passes them, shared with the Puppet tests.
from puppet.conftest import default_settings  # noqa: F401 (a fixture)

MODULES = 'deployment_scripts/puppet/modules'
MODULE = MODULES + '/cinder_gcs'
DISTS = MODULE + '/files/python-libs'
INSTALLER = REPO / MODULE / 'files' / 'install_python_libs.sh'
REQUIREMENTS = REPO / DISTS / 'requirements.txt'
DISCOVERY_DOC = REPO / '.cache' / 'discovery' / 'storage.v1.json'
# Builds httplib2's sdist in the fresh environment (pip 23 needs it to make
# a wheel); the node's pip 1.5.4 installs sdists without it.
WHEEL_TOOL = 'wheel==0.42.0'


def pins():
    """{sha256: 'name==version'} from the module's requirements.txt."""
    found = re.findall(r'^(\S+==\S+) --hash=sha256:([0-9a-f]{64})$',
                       REQUIREMENTS.read_text(), re.M)
    return {digest: pin for pin, digest in found}


def offline_pip_env(**extra):
    """pip with no configuration of this machine (its mirrors and extra
    find-links would hide a missing file), building sdists with the
    environment's own setuptools instead of downloading build tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PIP_')}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_BUILD_ISOLATION='0',
               PIP_DISABLE_PIP_VERSION_CHECK='1', **extra)
    return env


@pytest.fixture(scope='session')
def bundled_dists(installed_plugin):
    return installed_plugin / DISTS


@pytest.fixture(scope='session')
def fresh_python(tmp_path_factory):
    """A new virtualenv of Debian's Python with nothing but pip, setuptools
    and the wheel tool."""
    venv = tmp_path_factory.mktemp('venv')
    run(['/usr/bin/python3', '-m', 'venv', str(venv)])
    run([str(venv / 'bin' / 'pip'), 'install', '--quiet', WHEEL_TOOL])
    return venv


@pytest.fixture(scope='session')
def discovery_doc():
    if not DISCOVERY_DOC.is_file():
        pytest.fail('{} is missing: run tools/install-deps.sh'.format(DISCOVERY_DOC))
    return DISCOVERY_DOC
