"""`make bench`: the sample workbook against what an operator would write instead.

On the system-test stack (tools/stack/, with Cinder's default page size of
1000), the same N volumes are backed up three times, one way after another:
  (a) create_backups_workflow at its default concurrency,
  (b) create_backups_workflow with concurrency 1,
  (c) tests/bench/plain_backup_loop.py: the same Cinder calls in a loop.
Each volume holds a few MiB of data; the volumes are given by ID, so the
backup runs make no listing requests. The listing is measured on its own:
RECORDS volume records are added to Cinder's database (no data behind them)
and select_volumes_workflow lists every volume, against the plain script's
one cinderclient call.

What is measured, per way:
  - wall time over cinder-backup's own span on the same backups (the first
    backup's created_at to the last one's updated_at, when it became
    available): how much the orchestration adds around the real work;
  - Cinder API requests per volume, counted in cinder-api's access log;
  - polls per volume (GETs of one snapshot or one backup);
  - peak resident memory of Mistral (API, engine and executor run in one
    process on this stack), sampled every 0.2 s, and the script's own.

Usage (inside tools/stack/in-namespace.sh --isolated, as `make bench` runs it):
  workbook_bench.py [--volumes N] [--records M] [--poll-interval S] [--output FILE]
The results go to FILE (tests/bench/results.md by default) as a Markdown
table, and to FILE with .json for the raw figures.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import threading
import time

import psutil
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / 'tests'), str(REPO / 'tools' / 'stack')]

import stack as stack_module  # noqa: E402
from system.api import Session  # noqa: E402
from system.volumes import Rbd, VolumeMaker  # noqa: E402
from system.workflows import TERMINAL, WORKBOOK, Mistral  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
PLAIN_SCRIPT = HERE / 'plain_backup_loop.py'
STACK_DIR = REPO / '.cache' / 'bench'
# Cinder's default: what a cloud lists with.
CINDER_PAGE_SIZE = 1000
DATA_MIB = 4
RECORD_PREFIX = 'bench-record-'
REQUEST = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ ?"]+)[^"]*" status: \d+')
ONE_SNAPSHOT_OR_BACKUP = re.compile(
    r'^/v3/[0-9a-f]+/(snapshots|backups)/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$')


class BenchError(Exception):
    """A measured run did not do what it should; its figures would mislead."""


class AccessLog:
    """cinder-api's access log lines (eventlet's "METHOD PATH HTTP/1.1"
    status: ...) written after mark()."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def mark(self):
        self.offset = self.path.stat().st_size

    def requests(self):
        with open(self.path, 'rb') as log:
            log.seek(self.offset)
            text = log.read().decode(errors='replace')
        return [(match['method'], match['path']) for match in REQUEST.finditer(text)]

    def counts(self):
        requests = self.requests()
        polls = sum(method == 'GET' and bool(ONE_SNAPSHOT_OR_BACKUP.match(path))
                    for method, path in requests)
        # A client that does not keep its session asks for the API's
        # version document before its first call.
        discovery = sum(request == ('GET', '/') for request in requests)
        return {'requests': len(requests), 'polls': polls, 'discovery': discovery}


class PeakMemory:
    """Peak resident memory (MiB) of some processes while the block runs."""

    def __init__(self, pids):
        self.pids = pids
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss(self):
        return stack_module.resident_memory(self.pids()) / 2**20

    def _sample(self):
        while not self._done.wait(0.2):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()


def default_concurrency():
    """create_backups_workflow's own default, read from the workbook."""
    workflow = yaml.safe_load(WORKBOOK.read_text())['workflows']['create_backups_workflow']
    defaults = {name: value for item in workflow['input'] if isinstance(item, dict)
                for name, value in item.items()}
    return defaults['concurrency']


def parse_time(text):
    return datetime.datetime.fromisoformat(text.rstrip('Z'))


class Bench:
    def __init__(self, stack, log=print):
        self.stack = stack
        self.log = log
        self.sessions = {user: Session(stack, user) for user in ('admin', *stack_module.USERS)}
        self.admin = self.sessions['admin']
        self.mistral = Mistral(self.admin, stack, 'zed')
        self.access_log = AccessLog(stack.logs / 'cinder-api.log')
        mistral_service = next(s for s in stack.services if s.name == 'mistral')
        self.mistral_pids = mistral_service.pids

    # ------------------------------------------------------------ the ways
    def workbook_run(self, volume_ids, name, poll_interval, concurrency=None):
        inputs = {'volumes_id_list': volume_ids, 'snapshot_name': name,
                  'poll_interval': poll_interval}
        if concurrency is not None:
            inputs['concurrency'] = concurrency
        execution_id = self.mistral.start('create_backups_workflow', inputs)
        record = self.wait_execution(execution_id, timeout=len(volume_ids) * 300)
        output = json.loads(record['output'] or '{}')
        if record['state'] != 'SUCCESS' or output.get('backed_up') != len(volume_ids):
            raise BenchError('execution {} ended {}: {}'.format(
                execution_id, record['state'], record.get('state_info') or output))
        # Mistral refuses any execution field over execution_field_size_limit_kb:
        # this sets how many volumes one run can take.
        return {'output_bytes_per_volume': len(record['output']) / len(volume_ids)}

    def script_run(self, volume_ids, name, poll_interval):
        result = self.plain_script('backup', name, poll_interval, *volume_ids)
        if set(result['volumes'].values()) != {'backed_up'}:
            raise BenchError('the plain script did not back up every volume: {}'.format(
                result['volumes']))
        return {'script_peak_rss_mib': result['max_rss_mib']}

    def plain_script(self, *args):
        completed = subprocess.run(
            [stack_module.PYTHON, str(PLAIN_SCRIPT), *map(str, args)], capture_output=True,
            text=True, env=dict(os.environ, **self.stack.credentials('admin', 'zed')))
        if completed.returncode:
            raise BenchError('plain_backup_loop.py {} failed:\n{}'.format(
                args[0], completed.stderr[-3000:]))
        return json.loads(completed.stdout)

    def wait_execution(self, execution_id, timeout):
        deadline = time.monotonic() + timeout
        while True:
            record = self.mistral.execution(execution_id)
            if record['state'] in TERMINAL:
                return record
            if time.monotonic() > deadline:
                raise BenchError('execution {} still {} after {} s'.format(
                    execution_id, record['state'], timeout))
            time.sleep(0.5)

    # ----------------------------------------------------------- measuring
    def measure(self, label, run, volume_ids, name, *args, **kwargs):
        """Run one way of backing up VOLUME_IDS, naming the backups NAME."""
        self.log('{}: backing up {} volumes'.format(label, len(volume_ids)))
        self.access_log.mark()
        with PeakMemory(self.mistral_pids) as mistral_memory:
            idle = mistral_memory.peak
            began = time.monotonic()
            extra = run(volume_ids, name, *args, **kwargs)
            wall = time.monotonic() - began
        counts = self.access_log.counts()
        span = self.backup_span(name, len(volume_ids))
        figures = dict(extra, label=label, wall_s=wall, backup_span_s=span,
                       wall_over_span=wall / span,
                       requests_per_volume=counts['requests'] / len(volume_ids),
                       polls_per_volume=counts['polls'] / len(volume_ids),
                       discovery_per_volume=counts['discovery'] / len(volume_ids),
                       mistral_idle_rss_mib=idle, mistral_peak_rss_mib=mistral_memory.peak)
        self.log('{label}: {wall_s:.0f} s, {wall_over_span:.2f} x the backups\' span, '
                 '{requests_per_volume:.1f} requests and {polls_per_volume:.1f} polls per '
                 'volume, Mistral peak {mistral_peak_rss_mib:.0f} MiB'.format(**figures))
        return figures

    def backup_span(self, name, expected):
        """Seconds from the first backup NAME created to the last one available."""
        backups = [backup for backup in self.admin.cinder_list(
            '/backups/detail', 'backups', all_tenants=1) if backup['name'] == name]
        if len(backups) != expected or {b['status'] for b in backups} != {'available'}:
            raise BenchError('expected {} available backups named {}, found {}'.format(
                expected, name, [(b['id'], b['status']) for b in backups]))
        first = min(parse_time(backup['created_at']) for backup in backups)
        last = max(parse_time(backup['updated_at']) for backup in backups)
        return (last - first).total_seconds()

    def add_volume_records(self, count, template_id):
        """COUNT rows in Cinder's volumes table, copies of TEMPLATE_ID's with
        new IDs and names: listed like volumes, with no image behind them."""
        columns = self.stack.query('cinder', "SELECT string_agg(column_name, ',' ORDER BY "
                                   "ordinal_position) FROM information_schema.columns "
                                   "WHERE table_name = 'volumes'").split(',')
        values = {'id': 'gen_random_uuid()::text',
                  'display_name': "'{}' || n".format(RECORD_PREFIX)}
        self.stack.query('cinder', 'INSERT INTO volumes ({}) SELECT {} FROM volumes v, '
                         "generate_series(1, {}) n WHERE v.id = '{}'".format(
                             ','.join('"{}"'.format(c) for c in columns),
                             ','.join(values.get(c, 'v."{}"'.format(c)) for c in columns),
                             count, template_id))

    def remove_volume_records(self):
        self.stack.query('cinder', "DELETE FROM volumes WHERE display_name LIKE '{}%'".format(
            RECORD_PREFIX))

    def measure_listing(self, records, template_id):
        self.add_volume_records(records, template_id)
        try:
            total = len(self.admin.cinder_list('/volumes', 'volumes', all_tenants=1))
            self.log('listing: {} volumes'.format(total))
            self.access_log.mark()
            began = time.monotonic()
            execution_id = self.mistral.start(
                'select_volumes_workflow', {'projects_id_list': None, 'volumes_id_list': None},
                env=None)
            record = self.wait_execution(execution_id, timeout=1800)
            wall = time.monotonic() - began
            selected = json.loads(record['output'] or '{}').get('volume_ids') or []
            if record['state'] != 'SUCCESS' or len(selected) != total:
                raise BenchError('select_volumes_workflow {} ended {} with {} of {} '
                                 'volumes'.format(execution_id, record['state'],
                                                  len(selected), total))
            workbook_requests = self.access_log.counts()['requests']
            self.access_log.mark()
            script = self.plain_script('list')
            script_requests = self.access_log.counts()['requests']
        finally:
            self.remove_volume_records()
        if script['listed'] != total:
            raise BenchError('the plain script listed {} of {} volumes'.format(
                script['listed'], total))
        figures = {'volumes': total, 'page_size': self.stack.osapi_max_limit,
                   'workbook_s': wall, 'workbook_requests': workbook_requests,
                   'script_s': script['seconds'], 'script_requests': script_requests}
        self.log('listing: select_volumes_workflow {workbook_s:.1f} s, {workbook_requests} '
                 'requests; plain script {script_s:.1f} s, {script_requests} '
                 'requests'.format(**figures))
        return figures

    def run(self, volumes, records, poll_interval, save=lambda results: None):
        """Measure, calling SAVE with the results so far after each step."""
        results = {'volumes': volumes, 'records': records, 'poll_interval_s': poll_interval,
                   'data_mib_per_volume': DATA_MIB, 'ways': []}
        maker = VolumeMaker(self.sessions, Rbd())
        try:
            self.log('creating {} volumes with {} MiB of data each'.format(volumes, DATA_MIB))
            volume_ids = [maker.create('bench-{}'.format(i), 'alice', data_mib=DATA_MIB)
                          for i in range(volumes)]
            # Creates the workbook and warms Mistral, cinder-api and the
            # driver's connection up; not measured.
            self.workbook_run(volume_ids[:1], 'bench-warm-up', poll_interval)
            # The short step first: the long ones need not be lost if it fails.
            results['listing'] = self.measure_listing(records, volume_ids[0])
            save(results)
            concurrency = default_concurrency()
            for way in (
                    ('(a) workbook, concurrency {} (default)'.format(concurrency),
                     self.workbook_run, volume_ids, 'bench-a', poll_interval),
                    ('(b) workbook, concurrency 1', self.workbook_run, volume_ids,
                     'bench-b', poll_interval, 1),
                    ('(c) plain script', self.script_run, volume_ids, 'bench-c',
                     poll_interval)):
                results['ways'].append(self.measure(*way))
                save(results)
        finally:
            maker.delete_all()
        return results


# ------------------------------------------------------------------ report
def machine():
    memory = psutil.virtual_memory().total / 2**30
    return '{}, {} cores, {:.0f} GiB, Python {}'.format(
        platform.platform(terse=True), os.cpu_count(), memory, platform.python_version())


def markdown(results):
    ways = results['ways']
    plain = ways[-1]
    rows = [
        ('wall time (s)', '{:.0f}', 'wall_s'),
        ('cinder-backup\'s span on the same backups (s)', '{:.0f}', 'backup_span_s'),
        ('**wall time / cinder-backup\'s span**', '**{:.2f}**', 'wall_over_span'),
        ('Cinder API requests per volume', '{:.1f}', 'requests_per_volume'),
        ('of which polls (GET of one snapshot or backup)', '{:.1f}', 'polls_per_volume'),
        ('of which version discovery (GET /)', '{:.1f}', 'discovery_per_volume'),
        ('Mistral resident memory, idle before (MiB)', '{:.0f}', 'mistral_idle_rss_mib'),
        ('Mistral resident memory, peak (MiB)', '{:.0f}', 'mistral_peak_rss_mib'),
    ]
    workbook_rows = [
        ('execution output per volume (bytes)', '{:.0f}', 'output_bytes_per_volume'),
    ]
    lines = ['# Benchmark of the sample workbook', '',
             'Written by `make bench` ({}) on {}: {} volumes of 1 GiB with {} MiB of data '
             'each, polls every {} s, Cinder\'s osapi_max_limit {}.'.format(
                 results['date'], results['machine'], results['volumes'],
                 results['data_mib_per_volume'], results['poll_interval_s'],
                 results['listing']['page_size']), '',
             '| | ' + ' | '.join(way['label'] for way in ways) + ' |',
             '|---|' + '---:|' * len(ways)]
    for title, form, key in rows + workbook_rows:
        lines.append('| {} | {} |'.format(title, ' | '.join(
            form.format(way[key]) if key in way else '' for way in ways)))
    lines.append('| wall time relative to (c) | {} |'.format(' | '.join(
        '{:.2f}'.format(way['wall_s'] / plain['wall_s']) for way in ways)))
    lines.append('| peak resident memory of the plain script (MiB) | | | {:.0f} |'.format(
        plain['script_peak_rss_mib']))
    listing = results['listing']
    lines += ['', 'Listing {volumes} volume records (select_volumes_workflow against one '
              'cinderclient `volumes.list`):'.format(**listing), '',
              '| | select_volumes_workflow | plain script |', '|---|---:|---:|',
              '| time (s) | {workbook_s:.1f} | {script_s:.1f} |'.format(**listing),
              '| Cinder API requests | {workbook_requests} | {script_requests} |'.format(
                  **listing)]
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--volumes', type=int, default=50)
    parser.add_argument('--records', type=int, default=5000)
    # The workbook's default (10 s) suits backups that take minutes; here
    # one takes seconds, and 10-s polls would measure mostly the polling.
    parser.add_argument('--poll-interval', type=int, default=2)
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results.md')
    args = parser.parse_args()
    raw = args.output.with_suffix('.json')

    def save(results):
        results.update(date=datetime.date.today().isoformat(), machine=machine())
        raw.write_text(json.dumps(results, indent=2) + '\n')

    stack = stack_module.Stack(STACK_DIR, osapi_max_limit=CINDER_PAGE_SIZE)
    stack_module.interrupt_on_sigterm()
    stack.start()
    try:
        results = Bench(stack, log=stack_module.progress).run(
            args.volumes, args.records, args.poll_interval, save)
    except BaseException:
        print('the benchmark did not finish; what it measured is in {}'.format(raw))
        raise
    finally:
        stack.stop()
    save(results)
    args.output.write_text(markdown(results))
    print(markdown(results))
    print('written to {} and {}'.format(args.output, raw))


if __name__ == '__main__':
    main()
