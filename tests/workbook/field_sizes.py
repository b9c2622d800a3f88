"""The record of how large the fields of a failing backup run are, as
Mistral 2.0.0 counts them: `make field-sizes` writes field_sizes.json, which
the guide's table quotes (tests/workbook/test_workbook.py holds it to the
record and the record, at its smaller runs, to the workbook).

The worst case (worst_volumes): every volume fails, each for a reason of its
own, with the longest note Mistral 2.0.0 words, and leaves its snapshot.
Each field create_backups_workflow, its workers, its report and std.email
store is sized and checked by 2.0.0's own code (mitaka_evaluate.py). The
runs of up to 300 volumes are evaluated by Mistral 2.0.0's yaql (1.1.0 on
Python 2.7); the larger ones by the current yaql, as 2.0.0's takes about
3 ms a volume for a worker's output (minutes for 10,000): the test shows
both give fields of the same sizes at 300 volumes.
"""

import json
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]

from workbook.backup_run import MITAKA_ACTION_ERROR, BackupRun, volume_entry  # noqa: E402

RECORD = HERE / 'field_sizes.json'
WORKBOOK = HERE.parent.parent / 'examples' / 'mistral_workbook.yaml'
# (volumes, workers): workers is the input concurrency (20 at most).
RUNS = [(100, 2), (300, 20), (10000, 20)]
# The largest run Mistral 2.0.0's yaql evaluates here.
MITAKA_EVALUATES_UP_TO = 300
LIMIT_KB = 1024


def worst_volumes(count):
    """COUNT volumes that all fail, each with its own reason (a number in
    it), the longest note Mistral 2.0.0 words (its preamble with the
    action's parameters: the longest name and description a run gives) and
    a snapshot left; a name of 255 characters past ASCII."""
    def uuid(kind, number):
        return '{:08x}-{:04x}-4e5f-8a9b-0c1d2e3f4a5b'.format(number, kind)
    entries = []
    for number in range(count):
        volume_id, snapshot_id = uuid(1, number), uuid(2, number)
        params = {'volume_id': volume_id, 'snapshot_id': snapshot_id, 'incremental': False,
                  'name': 'ñ' * 255, 'description': 'ñ' * 200 + ', execution ' + uuid(3, 0)}
        error = ('CinderAction.backups.create failed: Requested backup exceeds allowed Backup '
                 'gigabytes quota. Requested {}G, quota is 1000G and 990G has been consumed. '
                 '(HTTP 413) (Request-ID: req-{})'.format(number, uuid(4, number)))
        note = 'backup could not be created: ' + MITAKA_ACTION_ERROR.format(
            'backups.create', repr(params), error) + '; snapshot {} could not be deleted ' \
            '(last seen error_deleting)'.format(snapshot_id)
        entries.append(volume_entry(volume_id, 'failed', 'ñ' * 255, uuid(5, 0)[:32], 1000,
                                    note=note, snapshot_left=snapshot_id))
    return entries


def failing_run_fields(workbook, evaluate, count, workers):
    """Every field the run of COUNT worst volumes on WORKERS stores, by
    where it is stored; checks that the report names every volume."""
    volumes = worst_volumes(count)
    run = BackupRun(workbook, evaluate, [volumes[i::workers] for i in range(workers)])
    assert run.counts['failed_count'] == run.counts['snapshots_left_count'] == count
    fields = run.mail_fields()
    # Each volume's ID is in the report, on a line of its own.
    assert len(run.lines) == len(run.outcomes) + count
    body_lines = set(fields['write_report published']['body'].splitlines())
    assert all('  ' + volume['volume_id'] in body_lines for volume in volumes)
    return fields


def sizes(workbook, evaluate, mitaka_yaql, count, workers):
    """{where: {'bytes': ..., 'fits': ...}} of each field of the run."""
    return {where: mitaka_yaql.field_size(field, limit_kb=LIMIT_KB)
            for where, field in failing_run_fields(workbook, evaluate, count, workers).items()}


def run_key(count, workers):
    return '{} volumes on {} workers'.format(count, workers)


def main():
    from workbook.conftest import CurrentYaql, MitakaYaql, _python
    workbook = yaml.safe_load(WORKBOOK.read_text())
    mitaka_yaql = MitakaYaql(_python('mitaka', 'mitaka-mistral'))
    record = {}
    for count, workers in RUNS:
        evaluate = mitaka_yaql if count <= MITAKA_EVALUATES_UP_TO else CurrentYaql()
        found = sizes(workbook, evaluate, mitaka_yaql, count, workers)
        largest = max(found, key=lambda where: found[where]['bytes'])
        record[run_key(count, workers)] = {
            'volumes': count, 'workers': workers, 'largest_field': largest,
            'largest_field_bytes': found[largest]['bytes'],
            'every_field_fits_the_default_limit': all(size['fits'] for size in found.values())}
        print(run_key(count, workers), record[run_key(count, workers)], flush=True)
    mitaka_yaql.close()
    RECORD.write_text(json.dumps(record, indent=2, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
