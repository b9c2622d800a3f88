"""Every manifest parses with Puppet, passes puppet-lint, and stays within
the language of Puppet 3.8 that Fuel 9 nodes run."""

import re

import pytest

from support.project import REPO, run

SCRIPTS = REPO / 'deployment_scripts'
MANIFESTS = sorted(SCRIPTS.rglob('*.pp'))
RUBY = sorted(SCRIPTS.rglob('*.rb'))

# Puppet 4+ syntax that Puppet 3.8 rejects or misreads.
PUPPET4_ONLY = [
    pytest.param(re.compile(r'\|\s*\$\w+[^|]*\|\s*\{'), id='lambda'),
    pytest.param(re.compile(r'\.\s*(each|map|filter|reduce|with)\b'), id='iteration'),
    pytest.param(re.compile(r'^\s*(Optional|String|Integer|Boolean|Hash|Array|Variant|Enum|'
                            r'Stdlib::\w+)\b[^$\n]*\$\w+', re.M), id='parameter data type'),
    pytest.param(re.compile(r'\bSensitive\b'), id='Sensitive'),
    pytest.param(re.compile(r'\blookup\('), id='lookup()'),
    pytest.param(re.compile(r'\$facts\['), id='$facts hash'),
    pytest.param(re.compile(r'\$\{\w+\('), id='function call in a string'),
]


def test_there_are_manifests():
    assert len(MANIFESTS) >= 8


# One run for all files each: both tools name the offending file.
def test_manifests_pass_puppet_parser():
    run(['puppet', 'parser', 'validate', *map(str, MANIFESTS)])


def test_manifests_pass_puppet_lint():
    run(['puppet-lint', '--fail-on-warnings', *map(str, MANIFESTS)])


@pytest.mark.parametrize('pattern', PUPPET4_ONLY)
def test_no_puppet4_only_syntax(pattern):
    offenders = [str(m.relative_to(SCRIPTS)) for m in MANIFESTS
                 if pattern.search(m.read_text())]
    assert offenders == []


@pytest.mark.parametrize('source', RUBY, ids=lambda p: p.name)
def test_ruby_parses(source):
    run(['ruby', '-c', str(source)])
