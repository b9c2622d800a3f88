"""`make bench`: the sample workbook against what an operator would write instead.

On the system-test stack (tools/stack/, with Cinder's default page size of
1000), the same N volumes are backed up one way after another, on each
Mistral engine asked for (Mistral 2.0.0, Fuel 9's, and Zed's):
  (a) create_backups_workflow at its default concurrency,
  (b) create_backups_workflow with concurrency 1,
  (d) create_backups_workflow on the first SMALL_RUN of the volumes at its
      defaults, where a run's fixed cost (input check, selection, report)
      shows,
and once
  (c) tests/bench/plain_backup_loop.py: the same Cinder calls in a loop,
      polling as the workbook does.
The workbook runs at its own defaults (poll_interval included) unless
--poll-interval says otherwise. Each volume holds a few MiB of data; the
volumes are given by ID, so the backup runs make no listing requests. The
listing is measured on its own, on each engine: RECORDS volume records are
added to Cinder's database (no data behind them) and _select_volumes_workflow
lists every volume, against the plain script's one cinderclient call.

What is measured, per way:
  - wall time over cinder-backup's own span on the same backups (the first
    backup's created_at to the last one's updated_at, when it became
    available): how much the orchestration adds around the real work;
  - Cinder API requests per volume, counted in cinder-api's access log;
  - polls per volume (GETs of one snapshot or one backup), and apart the
    GETs of the client reading back what it has just created;
  - peak resident memory of Mistral (API, engine and executor: three
    processes for Mistral 2.0.0, one for Zed's), sampled every 0.2 s, and
    the script's own;
  - for the workbook, what Mistral spends per volume: workflow, task and
    action executions (rows its database gained during the run) and CPU
    seconds of its processes, the engine's own on Mistral 2.0.0. The CPU
    includes the API answering the bench's polls of the execution (one
    every 0.5 s).

Usage (inside tools/stack/in-namespace.sh --isolated, as `make bench` runs it):
  workbook_bench.py [--volumes N] [--records M] [--poll-interval S]
                    [--engines mitaka,zed] [--ways abcd] [--output FILE]
The results go to FILE (tests/bench/results.md by default) as a Markdown
table, and to FILE with .json for the raw figures.
"""

import argparse
import collections
import datetime
import functools
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

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / 'tests'), str(REPO / 'tools' / 'stack')]

import stack as stack_module  # noqa: E402
import supervision  # noqa: E402
from system.api import Session  # noqa: E402
from system.volumes import Rbd, VolumeMaker  # noqa: E402
from support.polling import wait_until  # noqa: E402
from system.workflows import TERMINAL, Mistral, workbook_default  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
PLAIN_SCRIPT = HERE / 'plain_backup_loop.py'
STACK_DIR = REPO / '.cache' / 'bench'
# Cinder's default: what a cloud lists with.
CINDER_PAGE_SIZE = 1000
DATA_MIB = 4
# Issue 33's small run: where a run's fixed cost shows.
SMALL_RUN = 10
RECORD_PREFIX = 'bench-record-'
REQUEST = re.compile(r'^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) .*'
                     r'"(?P<method>[A-Z]+) (?P<path>[^ ?"]+)[^"]*" status: \d+', re.MULTILINE)
ONE_SNAPSHOT_OR_BACKUP = re.compile(
    r'^(?P<collection>/v[23]/[0-9a-f]+/(snapshots|backups))'
    r'/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$')
# cinderclient reads back what it has just created when Mistral turns the
# answer into JSON (its lazy loading, on a hasattr() of an attribute the
# answer lacks), within milliseconds; the workbook's first poll waits
# seconds (wait-before). Not a poll: counted apart.
READ_BACK_WITHIN_S = 0.5
# Each engine's name in the table and the log of the cinder-api its
# cinder.* actions reach (its Mistral service: tools/stack/stack.py, ENGINES).
ENGINES = {
    'mitaka': ('Mistral 2.0.0', 'cinder-api-mitaka.log'),
    'zed': ("Zed's Mistral", 'cinder-api.log'),
}
PLAIN_SCRIPT_LOG = 'cinder-api.log'
# Each engine's database and the query giving its executions' count by kind
# (Mistral 2.0.0 keeps all three kinds in one table).
EXECUTION_KINDS = ('workflow', 'task', 'action')
EXECUTION_COUNTS = {
    'mitaka': ('mistral_mitaka', "SELECT split_part(type, '_', 1), count(*) FROM executions_v2 "
                                 "GROUP BY type"),
    'zed': ('mistral', ' UNION ALL '.join(
        "SELECT '{0}', count(*) FROM {0}_executions_v2".format(kind)
        for kind in EXECUTION_KINDS)),
}
ENGINE_PROCESS = {'mitaka': 'mistral-mitaka-engine', 'zed': 'mistral'}
# How long each Mistral is watched with nothing to run.
IDLE_SECONDS = 20


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
        return [(parse_time(match['time'].replace(' ', 'T')), match['method'], match['path'])
                for match in REQUEST.finditer(text)]

    def counts(self):
        requests = self.requests()
        gets = 0
        read_backs = 0
        # Per collection, when POSTs created what was not read back yet
        # (two workers may both create before either reads back).
        unread = collections.defaultdict(list)
        seen = set()
        for time_of, method, path in requests:
            if method == 'POST':
                unread[path].append(time_of)
            one = ONE_SNAPSHOT_OR_BACKUP.match(path)
            if method != 'GET' or not one:
                continue
            gets += 1
            posts = unread[one['collection']]
            posts[:] = [posted for posted in posts
                        if (time_of - posted).total_seconds() <= READ_BACK_WITHIN_S]
            if path not in seen and posts:
                read_backs += 1
                posts.pop(0)
            seen.add(path)
        # A client that does not keep its session asks for the API's
        # version document before its first call.
        discovery = sum((method, path) == ('GET', '/') for _, method, path in requests)
        return {'requests': len(requests), 'polls': gets - read_backs,
                'read_backs': read_backs, 'discovery': discovery}


class PeakMemory:
    """Peak resident memory (MiB) of some processes while the block runs."""

    def __init__(self, pids):
        self.pids = pids
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss(self):
        return supervision.resident_memory(self.pids()) / 2**20

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


def parse_time(text):
    return datetime.datetime.fromisoformat(text.rstrip('Z'))


class Bench:
    def __init__(self, stack, log=print, engines=None):
        self.stack = stack
        self.engines = tuple(engines or stack.engines)
        self.log = log
        self.sessions = {user: Session(stack, user) for user in ('admin', *stack_module.USERS)}
        self.admin = self.sessions['admin']
        self.mistrals = {engine: Mistral(self.admin, stack, engine) for engine in self.engines}
        self.access_logs = {name: AccessLog(stack.logs / name) for name in {
            PLAIN_SCRIPT_LOG, *(ENGINES[engine][1] for engine in self.engines)}}
        self.pids = {service.name: service.pids for service in stack.services}

    # ------------------------------------------------------------ the ways
    def workbook_run(self, engine, volume_ids, name, poll_interval, concurrency=None):
        inputs = {'volumes_id_list': volume_ids, 'snapshot_name': name}
        if poll_interval is not None:
            inputs['poll_interval'] = poll_interval
        if concurrency is not None:
            inputs['concurrency'] = concurrency
        mistral = self.mistrals[engine]
        before = self.engine_cost(engine)
        execution_id = mistral.start('create_backups_workflow', inputs)
        record = self.wait_execution(mistral, execution_id, timeout=len(volume_ids) * 300)
        cost = {'{}_per_volume'.format(name): (spent - before[name]) / len(volume_ids)
                for name, spent in self.engine_cost(engine).items()}
        output = json.loads(record['output'] or '{}')
        if record['state'] != 'SUCCESS' or output.get('backed_up') != len(volume_ids):
            raise BenchError('execution {} ended {}: {}'.format(
                execution_id, record['state'], record.get('state_info') or output))
        # Mistral refuses any execution field over execution_field_size_limit_kb.
        # Which fields grow with the run is make field-sizes' to record (the
        # largest here may be one volume's own).
        size, where = largest_field(mistral, execution_id)
        return dict(cost, largest_field_bytes=size, largest_field=where)

    def engine_cost(self, engine):
        """What ENGINE's Mistral has spent so far: executions of each kind
        stored, CPU seconds of all its processes and of its engine's."""
        database, query = EXECUTION_COUNTS[engine]
        # (Mistral 2.0.0's table lacks a kind it has not stored yet.)
        cost = {'{}_executions'.format(kind): 0 for kind in EXECUTION_KINDS}
        for line in self.stack.query(database, query).splitlines():
            kind, count = line.split('|')
            cost['{}_executions'.format(kind)] = int(count)
        processes = stack_module.ENGINES[engine]['processes']
        cost['mistral_cpu_s'] = supervision.cpu_seconds(
            [pid for name in processes for pid in self.pids[name]()])
        cost['engine_cpu_s'] = supervision.cpu_seconds(self.pids[ENGINE_PROCESS[engine]]())
        return cost

    def idle_cpu(self, engine, seconds):
        """CPU seconds per second ENGINE's Mistral spends with nothing to run
        (its periodic tasks): the share of the per-volume CPU that only the
        run's length brings."""
        before = self.engine_cost(engine)
        time.sleep(seconds)
        after = self.engine_cost(engine)
        return {name: (after[name] - before[name]) / seconds
                for name in ('mistral_cpu_s', 'engine_cpu_s')}

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

    def wait_execution(self, mistral, execution_id, timeout):
        def ended():
            record = mistral.execution(execution_id)
            return record if record['state'] in TERMINAL else None
        return wait_until('execution {} to end'.format(execution_id), ended, timeout,
                          interval=0.5)

    # ----------------------------------------------------------- measuring
    def measure(self, label, engine, access_log, run, volume_ids, name, *args, **kwargs):
        """Run one way of backing up VOLUME_IDS, naming the backups NAME,
        counting the requests in ACCESS_LOG and the memory of ENGINE's
        Mistral."""
        self.log('{}: backing up {} volumes'.format(label, len(volume_ids)))
        access_log = self.access_logs[access_log]
        access_log.mark()
        processes = [self.pids[name] for name in stack_module.ENGINES[engine]['processes']]
        with PeakMemory(lambda: [pid for pids in processes for pid in pids()]) as mistral_memory:
            idle = mistral_memory.peak
            began = time.monotonic()
            extra = run(volume_ids, name, *args, **kwargs)
            wall = time.monotonic() - began
        counts = access_log.counts()
        span = self.backup_span(name, len(volume_ids))
        figures = dict(extra, label=label, engine=engine, volumes=len(volume_ids), wall_s=wall,
                       backup_span_s=span,
                       wall_over_span=wall / span,
                       requests_per_volume=counts['requests'] / len(volume_ids),
                       polls_per_volume=counts['polls'] / len(volume_ids),
                       read_backs_per_volume=counts['read_backs'] / len(volume_ids),
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
            figures = {'volumes': total, 'page_size': self.stack.osapi_max_limit,
                       'engines': {engine: self.measure_workbook_listing(engine, total)
                                   for engine in self.engines}}
            script_log = self.access_logs[PLAIN_SCRIPT_LOG]
            script_log.mark()
            script = self.plain_script('list')
            figures.update(script_s=script['seconds'],
                           script_requests=script_log.counts()['requests'])
        finally:
            self.remove_volume_records()
        if script['listed'] != total:
            raise BenchError('the plain script listed {} of {} volumes'.format(
                script['listed'], total))
        self.log('listing: plain script {script_s:.1f} s, {script_requests} '
                 'requests'.format(**figures))
        return figures

    def measure_workbook_listing(self, engine, total):
        access_log = self.access_logs[ENGINES[engine][1]]
        access_log.mark()
        mistral = self.mistrals[engine]
        began = time.monotonic()
        execution_id = mistral.start(
            '_select_volumes_workflow', {'projects_id_list': None, 'volumes_id_list': None},
            env=None)
        record = self.wait_execution(mistral, execution_id, timeout=1800)
        wall = time.monotonic() - began
        selected = json.loads(record['output'] or '{}').get('volume_ids') or []
        if record['state'] != 'SUCCESS' or len(selected) != total:
            raise BenchError('_select_volumes_workflow {} on {} ended {} with {} of {} '
                             'volumes'.format(execution_id, engine, record['state'],
                                              len(selected), total))
        figures = {'workbook_s': wall, 'workbook_requests': access_log.counts()['requests']}
        self.log('listing on {}: _select_volumes_workflow {workbook_s:.1f} s, '
                 '{workbook_requests} requests'.format(ENGINES[engine][0], **figures))
        return figures

    def measure_all(self, volumes, records, poll_interval=None, save=lambda results: None,
            ways='abcd', warm_up=True, idle_seconds=IDLE_SECONDS):
        """Measure, calling SAVE with the results so far after each step.
        POLL_INTERVAL None: the workbook's default. WAYS: the letters of the
        ways to measure (b is (a)'s runs with another input, c the plain
        script; both ways are long). WARM_UP False leaves out the unmeasured
        first run, which only makes the first way's times fair. IDLE_SECONDS:
        how long each Mistral is watched with nothing to run."""
        if poll_interval is None:
            poll_interval = workbook_default('poll_interval')
            workbook_poll_interval = None
        else:
            workbook_poll_interval = poll_interval
        results = {'volumes': volumes, 'records': records, 'poll_interval_s': poll_interval,
                   'poll_interval_is_default': workbook_poll_interval is None,
                   'data_mib_per_volume': DATA_MIB, 'ways': []}
        maker = VolumeMaker(self.sessions, Rbd())
        try:
            self.log('creating {} volumes with {} MiB of data each'.format(volumes, DATA_MIB))
            volume_ids = [maker.create('bench-{}'.format(i), 'alice', data_mib=DATA_MIB)
                          for i in range(volumes)]
            # Creates the workbook and warms each Mistral, cinder-api and
            # the driver's connection up; not measured.
            for engine in self.engines if warm_up else ():
                self.workbook_run(engine, volume_ids[:1], 'bench-warm-up-' + engine,
                                  workbook_poll_interval)
            results['idle_cpu_s_per_s'] = {engine: self.idle_cpu(engine, idle_seconds)
                                           for engine in self.engines}
            # The short step first: the long ones need not be lost if it fails.
            results['listing'] = self.measure_listing(records, volume_ids[0])
            save(results)
            concurrency = workbook_default('concurrency')
            measured = []
            for engine in self.engines:
                title, api_log = ENGINES[engine]
                run_workbook = functools.partial(self.workbook_run, engine)
                if 'd' in ways:
                    measured.append((
                        '(d) workbook on {}, {} volumes, concurrency {} (default)'.format(
                            title, len(volume_ids[:SMALL_RUN]), concurrency),
                        engine, api_log, run_workbook, volume_ids[:SMALL_RUN],
                        'bench-d-' + engine, workbook_poll_interval))
                if 'a' in ways:
                    measured.append((
                        '(a) workbook on {}, concurrency {} (default)'.format(title, concurrency),
                        engine, api_log, run_workbook, volume_ids, 'bench-a-' + engine,
                        workbook_poll_interval))
                if 'b' in ways:
                    measured.append((
                        '(b) workbook on {}, concurrency 1'.format(title), engine, api_log,
                        run_workbook, volume_ids, 'bench-b-' + engine, workbook_poll_interval, 1))
            if 'c' in ways:
                # Mistral's memory beside the script's: the first engine's.
                measured.append(('(c) plain script', self.engines[0], PLAIN_SCRIPT_LOG,
                                 self.script_run, volume_ids, 'bench-c', poll_interval))
            for way in measured:
                results['ways'].append(self.measure(*way))
                save(results)
        finally:
            maker.delete_all()
        return results


def largest_field(mistral, execution_id):
    """The size in bytes of the largest field Mistral stored for an execution
    and everything below it (each execution's input, output and params,
    each task's published values and result; a sub-workflow's input is
    where a report's lines travel), and which it is."""
    sizes = []
    for record, tasks in mistral.tree(execution_id):
        workflow = record['workflow_name'].split('.')[-1]
        sizes += [(len(record.get(field) or ''), '{} {}'.format(workflow, field))
                  for field in ('input', 'output', 'params')]
        sizes += [(len(task.get(field) or ''), '{} {} {}'.format(workflow, task['name'], field))
                  for task in tasks for field in ('published', 'result')]
    return max(sizes)


# ------------------------------------------------------------------ report
def machine():
    memory = psutil.virtual_memory().total / 2**30
    return '{}, {} cores, {:.0f} GiB, Python {}'.format(
        platform.platform(terse=True), os.cpu_count(), memory, platform.python_version())


def markdown(results):
    ways = results['ways']
    plain = next((way for way in ways if way['label'].startswith('(c)')), None)
    rows = [
        ('wall time (s)', '{:.0f}', 'wall_s'),
        ('cinder-backup\'s span on the same backups (s)', '{:.0f}', 'backup_span_s'),
        ('**wall time / cinder-backup\'s span**', '**{:.2f}**', 'wall_over_span'),
        ('Cinder API requests per volume', '{:.1f}', 'requests_per_volume'),
        ('of which polls (GET of one snapshot or backup, read-backs apart)', '{:.1f}',
         'polls_per_volume'),
        ('of which the client reading back what it created', '{:.1f}', 'read_backs_per_volume'),
        ('of which version discovery (GET /)', '{:.1f}', 'discovery_per_volume'),
        ('Mistral resident memory, idle before (MiB)', '{:.0f}', 'mistral_idle_rss_mib'),
        ('Mistral resident memory, peak (MiB)', '{:.0f}', 'mistral_peak_rss_mib'),
    ]
    workbook_rows = [
        ('Mistral workflow executions per volume', '{:.1f}', 'workflow_executions_per_volume'),
        ('Mistral task executions per volume', '{:.1f}', 'task_executions_per_volume'),
        ('Mistral action executions per volume', '{:.1f}', 'action_executions_per_volume'),
        ('Mistral CPU seconds per volume (all its processes)', '{:.2f}',
         'mistral_cpu_s_per_volume'),
        ('of which its engine\'s (Zed\'s: one process for all)', '{:.2f}',
         'engine_cpu_s_per_volume'),
        ('largest execution field (bytes)', '{:.0f}', 'largest_field_bytes'),
        ('which field', '{}', 'largest_field'),
    ]
    lines = ['# Benchmark of the sample workbook', '',
             'Written by `make bench` ({}) on {}: {} volumes of 1 GiB with {} MiB of data '
             'each, poll_interval {} s{}, Cinder\'s osapi_max_limit {}.'.format(
                 results['date'], results['machine'], results['volumes'],
                 results['data_mib_per_volume'], results['poll_interval_s'],
                 ' (the workbook\'s default)' if results['poll_interval_is_default'] else '',
                 results['listing']['page_size']), '',
             '| | ' + ' | '.join(way['label'] for way in ways) + ' |',
             '|---|' + '---:|' * len(ways)]
    for title, form, key in rows + workbook_rows:
        lines.append('| {} | {} |'.format(title, ' | '.join(
            form.format(way[key]) if key in way else '' for way in ways)))
    if plain:
        # Only runs of as many volumes as (c)'s compare with it.
        lines.append('| wall time relative to (c) | {} |'.format(' | '.join(
            '{:.2f}'.format(way['wall_s'] / plain['wall_s'])
            if way.get('volumes') == plain.get('volumes') else '' for way in ways)))
        lines.append('| peak resident memory of the plain script (MiB) |{} {:.0f} |'.format(
            ' |' * (len(ways) - 1), plain['script_peak_rss_mib']))
    idle = results.get('idle_cpu_s_per_s', {})
    if idle:
        lines += ['', 'With nothing to run, Mistral used, per second: ' + '; '.join(
            '{} {:.3f} CPU s ({:.3f} its engine\'s)'.format(
                ENGINES[engine][0], figures['mistral_cpu_s'], figures['engine_cpu_s'])
            for engine, figures in idle.items()) + '.']
    listing = results['listing']
    engines = listing['engines']
    lines += ['', 'Listing {volumes} volume records (_select_volumes_workflow against one '
              'cinderclient `volumes.list`):'.format(**listing), '',
              '| |' + ''.join(' _select_volumes_workflow on {} |'.format(ENGINES[engine][0])
                              for engine in engines) + ' plain script |',
              '|---|' + '---:|' * (len(engines) + 1),
              '| time (s) |' + ''.join(' {:.1f} |'.format(figures['workbook_s'])
                                       for figures in engines.values())
              + ' {:.1f} |'.format(listing['script_s']),
              '| Cinder API requests |' + ''.join(' {} |'.format(figures['workbook_requests'])
                                                  for figures in engines.values())
              + ' {} |'.format(listing['script_requests'])]
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--volumes', type=int, default=50)
    parser.add_argument('--records', type=int, default=5000)
    # By default the workbook's own (and the plain script polls as it does).
    parser.add_argument('--poll-interval', type=int, default=None)
    parser.add_argument('--engines', default=','.join(ENGINES),
                        help='Mistral engines to measure, comma-separated (default: %(default)s)')
    parser.add_argument('--ways', default='abcd',
                        help='letters of the ways to measure (default: %(default)s); a run '
                             'without all four is not one to publish as results.md')
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results.md')
    args = parser.parse_args()
    raw = args.output.with_suffix('.json')

    def save(results):
        results.update(date=datetime.date.today().isoformat(), machine=machine())
        raw.write_text(json.dumps(results, indent=2) + '\n')

    stack = stack_module.Stack(STACK_DIR, osapi_max_limit=CINDER_PAGE_SIZE,
                               backup_compression='zlib',
                               engines=args.engines.split(','))
    supervision.interrupt_on_sigterm()
    stack.start()
    try:
        results = Bench(stack, log=supervision.progress).measure_all(
            args.volumes, args.records, args.poll_interval, save, args.ways)
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
