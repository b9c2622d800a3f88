"""The test plan names, for each case, a test that exists."""

import re

import pytest

from support.project import REPO, VENV_ROOT, run
from .helpers import rst_fields, rst_sections

PLAN = REPO / 'doc' / 'testing' / 'index.rst'
NAMED_TEST = re.compile(r'``(tests/[\w/]+\.py::\w+)``')


def cases():
    return {title: rst_fields(body)
            for title, body in rst_sections(PLAN.read_text()).items()
            if title.startswith('TC-')}


@pytest.fixture(scope='module')
def collected():
    """Node IDs pytest collects, without parameters."""
    result = run([str(VENV_ROOT / 'test' / 'bin' / 'pytest'),
                  '--collect-only', '-q', '-p', 'no:cacheprovider', 'tests'])
    return {line.split('[')[0] for line in result.stdout.splitlines()
            if '::' in line}


def test_every_case_names_its_tests():
    found = cases()
    assert len(found) >= 10
    for title, fields in found.items():
        assert NAMED_TEST.findall(fields.get('Tests', '')), title
        assert fields.get('Checks'), title


def test_named_tests_exist(collected):
    named = set(NAMED_TEST.findall(PLAN.read_text()))
    assert named, 'the plan names no test'
    assert sorted(named - collected) == []
