"""`make bench`'s measuring code on a small run of the system-test stack, at
the workbook's defaults: every figure of tests/bench/results.md is counted
from the real services, and a broken count shows here, not in a published
table. Measured on Mistral 2.0.0 (Fuel 9's engine); `make bench` adds Zed's.
Times are only checked for sense, never against a target (that is the
benchmark's to report). Way (b), the workbook at concurrency 1, is left out:
it is way (a)'s code with another input, and a minute of `make test`; so is
the warm-up run, which only makes the first way's times fair (half a
minute)."""

import math

from bench.workbook_bench import Bench

VOLUMES = 2
RECORDS = 10
# Item 7 of #15: at its defaults the workbook polls a backup of seconds at
# most this many times (snapshot and backup together).
MAX_POLLS_PER_VOLUME = 8


def test_each_way_is_measured_from_the_services(stack):
    results = Bench(stack, engines=('mitaka',)).measure_all(VOLUMES, RECORDS, ways='ac',
                                                            warm_up=False, idle_seconds=5)
    assert results['poll_interval_is_default'] and results['poll_interval_s'] == 10
    assert [way['label'][:3] for way in results['ways']] == ['(a)', '(c)']
    for way in results['ways']:
        # Per volume at least: read it, snapshot it, poll the snapshot,
        # back it up, poll the backup, delete the snapshot.
        assert way['requests_per_volume'] >= 6, way
        assert way['polls_per_volume'] >= 2, way
        assert way['requests_per_volume'] >= (
            way['polls_per_volume'] + way['read_backs_per_volume']
            + way['discovery_per_volume']), way
        # The orchestration cannot take less time than the backups inside it.
        assert way['wall_s'] > way['backup_span_s'] > 0, way
        assert way['mistral_peak_rss_mib'] >= way['mistral_idle_rss_mib'] > 0, way
        assert way['polls_per_volume'] <= MAX_POLLS_PER_VOLUME, way
    workbook_way = results['ways'][0]
    # At least each volume's ID in the run's input.
    assert workbook_way['largest_field_bytes'] > 36 * VOLUMES, workbook_way
    # Mistral's own records: each volume's workflow, and at least an action
    # per poll and one each to read the volume, snapshot it, back it up and
    # delete the snapshot, each in a task.
    assert workbook_way['workflow_executions_per_volume'] >= 1, workbook_way
    assert (workbook_way['action_executions_per_volume']
            >= workbook_way['polls_per_volume'] + 4), workbook_way
    assert workbook_way['task_executions_per_volume'] >= 4, workbook_way
    assert workbook_way['mistral_cpu_s_per_volume'] > workbook_way['engine_cpu_s_per_volume'] > 0
    # cinderclient reads back the snapshot and the backup it created, at
    # most one each (a read-back slower than the bench's window counts as
    # a poll: at least one a volume is seen).
    assert 1 <= workbook_way['read_backs_per_volume'] <= 2, workbook_way
    assert results['ways'][-1]['script_peak_rss_mib'] > 0
    # The script keeps cinderclient's answers as they are: it reads nothing
    # back, so a read-back counted for it would be a poll miscounted.
    assert results['ways'][-1]['read_backs_per_volume'] == 0
    assert results['idle_cpu_s_per_s']['mitaka']['mistral_cpu_s'] > 0
    listing = results['listing']
    # The stack's volumes, the bench's and its records.
    assert listing['volumes'] >= VOLUMES + RECORDS
    assert listing['engines']['mitaka']['workbook_requests'] >= 1
    # The plain script's Cinder pages 3 volumes at a time.
    assert listing['script_requests'] >= math.ceil(listing['volumes'] / stack.osapi_max_limit)
