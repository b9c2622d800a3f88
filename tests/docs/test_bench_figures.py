"""The user guide's sizing advice and the README quote the figures of the last
`make bench` run (tests/bench/results.json), as the benchmark wrote them: a
new run that changes a figure fails here until the text follows it. The run
itself must show the workbook at its target (#15, item 7)."""

import json

import pytest

from support.project import REPO

RESULTS = REPO / 'tests' / 'bench' / 'results.json'
TABLE = REPO / 'tests' / 'bench' / 'results.md'
GUIDE = REPO / 'doc' / 'mistral.rst'
README = REPO / 'README.md'
ENGINES = ('mitaka', 'zed')
# At its defaults, on each engine: the workbook's wall time over
# cinder-backup's own span on the same backups, and its polls per volume.
TARGET_WALL_OVER_SPAN = 1.05
TARGET_POLLS_PER_VOLUME = 8
# The figures the guide quotes: (way, engine, key, the guide's rounding and
# wording). Way (c), the plain script, ran once.
GUIDE_FIGURES = {
    'default concurrency, wall time': ('(a)', 'mitaka', 'wall_s', '{:.0f} s'),
    'default concurrency on Zed, wall time': ('(a)', 'zed', 'wall_s', '{:.0f} s'),
    'concurrency 1, wall time': ('(b)', 'mitaka', 'wall_s', '{:.0f} s'),
    'plain script, wall time': ('(c)', None, 'wall_s', '{:.0f} s'),
    'default concurrency, wall over span': ('(a)', 'mitaka', 'wall_over_span', '{:.2f} times'),
    'default concurrency on Zed, wall over span': ('(a)', 'zed', 'wall_over_span',
                                                   '{:.2f} on'),
    'default concurrency, requests': ('(a)', 'mitaka', 'requests_per_volume',
                                      '{:.1f} requests'),
    'default concurrency on Zed, requests': ('(a)', 'zed', 'requests_per_volume',
                                             '{:.1f} requests'),
    'default concurrency, polls': ('(a)', 'mitaka', 'polls_per_volume', '{:.1f} polls'),
    'default concurrency on Zed, version discovery': ('(a)', 'zed', 'discovery_per_volume',
                                                      '{:.1f} requests for'),
    'plain script, requests': ('(c)', None, 'requests_per_volume', '{:.1f} requests'),
    'Mistral 2.0.0 idle': ('(a)', 'mitaka', 'mistral_idle_rss_mib', '{:.0f} MiB'),
    'Mistral 2.0.0 peak': ('(a)', 'mitaka', 'mistral_peak_rss_mib', '{:.0f} MiB'),
    'plain script, cinder-backup span': ('(c)', None, 'backup_span_s', '{:.0f} s'),
}
LISTING_FIGURES = {
    'listed volumes': ('{:,} volumes', ('volumes',)),
    'listing time on 2.0.0': ('{:.1f} s', ('engines', 'mitaka', 'workbook_s')),
    'listing time on Zed': ('{:.1f} s', ('engines', 'zed', 'workbook_s')),
    'listing requests on 2.0.0': ('{} requests', ('engines', 'mitaka', 'workbook_requests')),
    'listing time of one call': ('{:.1f} s', ('script_s',)),
}


@pytest.fixture(scope='module')
def results():
    return json.loads(RESULTS.read_text())


def way(results, letter, engine):
    """The figures of way LETTER ('(a)', '(b)', '(c)') on ENGINE (None: the
    plain script's only run)."""
    found = [figures for figures in results['ways'] if figures['label'].startswith(letter)
             and (engine is None or figures['engine'] == engine)]
    assert len(found) == 1, (letter, engine)
    return found[0]


def test_benchmark_measured_every_way_on_both_engines_at_the_defaults(results):
    assert [(figures['label'][:3], figures['engine']) for figures in results['ways']] == [
        ('(a)', 'mitaka'), ('(b)', 'mitaka'), ('(a)', 'zed'), ('(b)', 'zed'), ('(c)', 'mitaka')]
    assert results['poll_interval_is_default']
    assert results['volumes'] >= 50 and results['listing']['volumes'] >= 5000
    assert set(results['listing']['engines']) == set(ENGINES)
    assert TABLE.read_text().count('\n|') >= 10


@pytest.mark.parametrize('engine', ENGINES)
def test_the_workbook_at_its_defaults_meets_its_target(results, engine):
    figures = way(results, '(a)', engine)
    assert figures['wall_over_span'] <= TARGET_WALL_OVER_SPAN, figures
    assert figures['polls_per_volume'] <= TARGET_POLLS_PER_VOLUME, figures


@pytest.mark.parametrize('name', sorted(GUIDE_FIGURES))
def test_guide_quotes_the_figure(results, name):
    letter, engine, key, form = GUIDE_FIGURES[name]
    assert form.format(way(results, letter, engine)[key]) in GUIDE.read_text(), name


@pytest.mark.parametrize('name', sorted(LISTING_FIGURES))
def test_guide_quotes_the_listing(results, name):
    form, keys = LISTING_FIGURES[name]
    figure = results['listing']
    for key in keys:
        figure = figure[key]
    assert form.format(figure) in GUIDE.read_text(), name


def test_guide_gives_the_seconds_per_backup(results):
    """One after another, the plain script's backups: cinder-backup's span
    over the number of volumes."""
    seconds = way(results, '(c)', None)['backup_span_s'] / results['volumes']
    assert 'about {:.0f} seconds per'.format(seconds) in GUIDE.read_text()


def test_readme_shows_the_ratio_table(results):
    readme = README.read_text()
    for figures in results['ways']:
        assert '{:.2f}'.format(figures['wall_over_span']) in readme
        assert '{:.1f}'.format(figures['requests_per_volume']) in readme
    assert 'tests/bench/results.md' in readme
    assert results['date'] in readme
