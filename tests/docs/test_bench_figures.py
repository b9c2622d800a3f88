"""The user guide's sizing advice and the README quote the figures of the last
`make bench` run (tests/bench/results.json), as the benchmark wrote them: a
new run that changes a figure fails here until the text follows it."""

import json

import pytest

from support.project import REPO

RESULTS = REPO / 'tests' / 'bench' / 'results.json'
TABLE = REPO / 'tests' / 'bench' / 'results.md'
GUIDE = REPO / 'doc' / 'mistral.rst'
README = REPO / 'README.md'
# Mistral's default execution_field_size_limit_kb, in Mitaka as in Zed.
FIELD_LIMIT_BYTES = 1024 * 1024
# The rounding and wording the guide uses for each figure.
GUIDE_FIGURES = {
    'default concurrency, wall time': ('ways', 0, 'wall_s', '{:.0f} s'),
    'concurrency 1, wall time': ('ways', 1, 'wall_s', '{:.0f} s'),
    'plain script, wall time': ('ways', 2, 'wall_s', '{:.0f} s'),
    'default concurrency, wall over span': ('ways', 0, 'wall_over_span', '{:.2f} times'),
    'default concurrency, requests': ('ways', 0, 'requests_per_volume', '{:.1f} requests'),
    'default concurrency, polls': ('ways', 0, 'polls_per_volume', '{:.1f} polls'),
    'default concurrency, version discovery': ('ways', 0, 'discovery_per_volume',
                                               '{:.1f} requests for'),
    'plain script, requests': ('ways', 2, 'requests_per_volume', '{:.1f} requests'),
    'default concurrency, output per volume': ('ways', 0, 'output_bytes_per_volume',
                                               '{:.0f} bytes'),
    'Mistral idle': ('ways', 0, 'mistral_idle_rss_mib', '{:.0f} MiB'),
    'Mistral peak': ('ways', 0, 'mistral_peak_rss_mib', '{:.0f} MiB'),
    'plain script, cinder-backup span': ('ways', 2, 'backup_span_s', '{:.0f} s'),
    'listed volumes': ('listing', None, 'volumes', '{:,} volumes'),
    'listing time': ('listing', None, 'workbook_s', '{:.1f} s'),
    'listing requests': ('listing', None, 'workbook_requests', '{} requests'),
}


@pytest.fixture(scope='module')
def results():
    return json.loads(RESULTS.read_text())


def figure(results, where, index, key):
    return results[where][index][key] if index is not None else results[where][key]


def test_benchmark_measured_every_way(results):
    assert [way['label'][:3] for way in results['ways']] == ['(a)', '(b)', '(c)']
    assert results['volumes'] >= 50 and results['listing']['volumes'] >= 5000
    assert TABLE.read_text().count('\n|') >= 10


@pytest.mark.parametrize('name', sorted(GUIDE_FIGURES))
def test_guide_quotes_the_figure(results, name):
    where, index, key, form = GUIDE_FIGURES[name]
    assert form.format(figure(results, where, index, key)) in GUIDE.read_text(), name


def test_guide_gives_the_volumes_one_run_takes(results):
    """Computed from the measured output size: the guide says so."""
    per_volume = results['ways'][0]['output_bytes_per_volume']
    volumes = int(FIELD_LIMIT_BYTES / per_volume) // 100 * 100
    assert 'about {:,} volumes'.format(volumes) in GUIDE.read_text()


def test_guide_gives_the_seconds_per_backup(results):
    """One after another, the plain script's backups: cinder-backup's span
    over the number of volumes."""
    seconds = results['ways'][2]['backup_span_s'] / results['volumes']
    assert 'about {:.0f} seconds per'.format(seconds) in GUIDE.read_text()


def test_readme_shows_the_ratio_table(results):
    readme = README.read_text()
    for way in results['ways']:
        assert '{:.2f}'.format(way['wall_over_span']) in readme
        assert '{:.1f}'.format(way['requests_per_volume']) in readme
    assert 'tests/bench/results.md' in readme
