"""Fixtures of the documentation tests: the docs toolchain, the built guide
and copies of the guide's sources to break or change."""

import shutil

import pytest

from support.project import REPO, VENV_ROOT
from .helpers import build_docs


@pytest.fixture(scope='session')
def docs_toolchain():
    for tool in ('sphinx-build', 'doc8'):
        if not (VENV_ROOT / 'docs' / 'bin' / tool).exists():
            pytest.fail('{} is missing: run tools/install-deps.sh'.format(
                tool))
    if shutil.which('dot') is None:
        pytest.fail("Graphviz 'dot' is missing: run tools/install-deps.sh")


@pytest.fixture(scope='session')
def built_guide(docs_toolchain, tmp_path_factory):
    """The HTML directory of the guide, built as `make docs` builds it."""
    output = tmp_path_factory.mktemp('docs')
    build_docs(REPO / 'doc', output)
    return output / 'html'


@pytest.fixture
def guide_copy(docs_toolchain, tmp_path):
    """doc/ and examples/ copied with the repository's layout, for a test
    that changes a source and builds it."""
    for name in ('doc', 'examples'):
        shutil.copytree(REPO / name, tmp_path / 'src' / name,
                        ignore=shutil.ignore_patterns('__pycache__'))
    return tmp_path / 'src'
