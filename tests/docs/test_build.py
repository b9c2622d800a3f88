"""`make docs`: the guide builds with warnings as errors, doc8 passes, and
the specs keep the Fuel spec layout."""

import pytest

from support.project import REPO
from .helpers import build_docs, rst_sections

CHAPTERS = ['introduction', 'prerequisites', 'installation', 'configuration',
            'verification', 'mistral', 'troubleshooting', 'limitations',
            'release-notes', 'testing/index']
SPECS = sorted(p.name for p in (REPO / 'specs').glob('*.rst'))
SPEC_SECTIONS = ['Problem description', 'Proposed changes', 'Web UI',
                 'Data flow', 'Alternatives', 'Upgrade impact',
                 'Security impact', 'Implementation', 'Testing',
                 'Acceptance criteria']
# Sections that must say something themselves, not only through subsections.
SPEC_PROSE = ['Problem description', 'Data flow', 'Upgrade impact',
              'Security impact', 'Acceptance criteria']


def test_guide_builds_every_chapter(built_guide):
    index = (built_guide / 'index.html').read_text()
    for chapter in CHAPTERS:
        assert (built_guide / (chapter + '.html')).is_file(), chapter
        assert 'href="{}.html"'.format(chapter) in index, chapter


def test_build_leaves_nothing_in_the_sources(built_guide):
    produced = [p for p in (REPO / 'doc').rglob('*')
                if p.suffix in ('.html', '.doctree', '.svg', '.pickle')]
    assert produced == []


@pytest.mark.parametrize('breakage, message', [
    ('See :ref:`no-such-label`.\n', 'undefined label'),
    ('.. workbook-diagram:: ../examples/mistral_workbook.yaml\n'
     '   :workflow: no_such_workflow\n', 'no_such_workflow'),
    ('A line that is far too long for doc8, which allows seventy-nine '
     'characters only.\n', 'D001'),
], ids=['sphinx-warning', 'diagram-of-a-missing-workflow', 'doc8-error'])
def test_a_broken_page_fails_the_build(guide_copy, tmp_path, breakage,
                                       message):
    page = guide_copy / 'doc' / 'release-notes.rst'
    page.write_text(page.read_text() + '\n' + breakage)
    result = build_docs(guide_copy / 'doc', tmp_path / 'out', check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


@pytest.mark.parametrize('spec', SPECS)
def test_spec_has_the_fuel_spec_sections(spec):
    sections = rst_sections((REPO / 'specs' / spec).read_text())
    missing = [s for s in SPEC_SECTIONS if s not in sections]
    assert not missing, 'missing sections: {}'.format(missing)
    for prose in SPEC_PROSE:
        assert sections[prose].strip(), '{} is empty'.format(prose)


def test_both_specs_exist():
    assert SPECS == ['cinder-gcs-backup-plugin.rst',
                     'mistral-backup-workflow.rst']
