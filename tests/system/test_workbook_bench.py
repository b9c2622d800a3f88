"""`make bench`'s measuring code on a small run of the system-test stack: every
figure of tests/bench/results.md is counted from the real services, and a
broken count shows here, not in a published table."""

import math

from bench.workbook_bench import Bench

VOLUMES = 2
RECORDS = 10


def test_each_way_is_measured_from_the_services(stack):
    results = Bench(stack).run(VOLUMES, RECORDS, poll_interval=1)
    assert [way['label'][:3] for way in results['ways']] == ['(a)', '(b)', '(c)']
    for way in results['ways']:
        # Per volume at least: read it, snapshot it, poll the snapshot,
        # back it up, poll the backup, delete the snapshot.
        assert way['requests_per_volume'] >= 6, way
        assert way['polls_per_volume'] >= 2, way
        assert way['requests_per_volume'] >= (way['polls_per_volume']
                                              + way['discovery_per_volume']), way
        # The orchestration cannot take less time than the backups inside it.
        assert way['wall_s'] > way['backup_span_s'] > 0, way
        assert way['mistral_peak_rss_mib'] >= way['mistral_idle_rss_mib'] > 0, way
    assert results['ways'][-1]['script_peak_rss_mib'] > 0
    listing = results['listing']
    # The stack's volumes, the bench's and its records, a page of 3 at a time.
    assert listing['volumes'] >= VOLUMES + RECORDS
    pages = math.ceil(listing['volumes'] / stack.osapi_max_limit)
    assert listing['workbook_requests'] >= pages
    assert listing['script_requests'] >= pages
