"""Fuel 9 masters for the tests: Nailgun, the Fuel master's API server, at
9.0, 9.1, 9.2 and mitaka-eol (openstack/fuel-web), on Python 2.7 at Mitaka's
pins, with Fuel's own deployment graph of the same tag (fuel-library) and
the operator's CLI, python-fuelclient 9.0.0 (tools/install-fuel-master.sh
installs them).

FuelMasters starts PostgreSQL once, then one Nailgun at a time
(start_master), each in fake-task mode (no Astute: a deployment's message
goes to Nailgun's fake orchestrator, which logs it) on a database of its
own, with nodes registered through the API as the agent of a discovered
node registers them. Like the system-test stack it runs in private
namespaces (tools/stack/in-namespace.sh --isolated): the machine's /var is
overlaid there, so that the Fuel master's plugin directory,
/var/www/nailgun/plugins, exists for Nailgun and the CLI, which reads the
plugin's metadata from that path; nothing lands on the machine.

`fuel plugins --install` needs what only a Fuel master has. Two STAND-INS,
named as such (STAND_INS), replace it: `rpm -q fuel`, which the client asks
before it acts, answers that the package is installed; `yum -y install
--disablerepo='*' FILE` installs FILE with the real rpm into the master's
own package database. Everything else is Fuel's own code.
"""

import ast
import copy
import json
import os
import pathlib
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import yaml

from supervision import ServiceGroup, StackError, http_answers, ports_taken, progress

HERE = pathlib.Path(__file__).resolve().parent
TOP = HERE.parent.parent
SOURCES = TOP / '.cache' / 'fuel-master'
VENV = TOP / '.venv' / 'fuel-master'
VERSIONS = ('9.0', '9.1', '9.2', 'mitaka-eol')
PORTS = {'postgres': 5432, 'nailgun': 8000}
# Where a Fuel master keeps its plugins; python-fuelclient reads the
# installed plugin's metadata.yaml there.
PLUGINS_PATH = pathlib.Path('/var/www/nailgun/plugins')
# Fuel 9's release for Ubuntu 14.04, the one the plugin supports (loaddefault).
RELEASE = 'Mitaka on Ubuntu 14.04'
# A node of Nailgun's own sample fixture, the model of every node registered.
SAMPLE_NODES = 'nailgun/fixtures/sample_environment.json'
DB_PASSWORD = 'nailgun'

STAND_INS = {
    'rpm': """#!/bin/sh
# STAND-IN of the Fuel master tests (tools/stack/fuel9.py), named as
# such: a Fuel master has the package "fuel", this machine has not.
# python-fuelclient asks `rpm -q fuel` before it installs a plugin; every
# other rpm command is the real rpm's.
if [ "$*" = "-q fuel" ]; then
    echo fuel-9.0.0-1.mos8460.noarch
    exit 0
fi
exec /usr/bin/rpm "$@"
""",
    'yum': """#!/bin/sh
# STAND-IN of the Fuel master tests (tools/stack/fuel9.py), named as
# such: yum cannot run on Debian. python-fuelclient installs a plugin with
# `yum -y install --disablerepo='*' FILE`, which on a Fuel master installs
# the local FILE; this installs it with the real rpm into the master's own
# package database.
if [ "$1 $2 $3" = "-y install --disablerepo=*" ]; then
    shift 3
    exec /usr/bin/rpm -U --nodeps --dbpath "$FUEL_MASTER_RPMDB" "$@"
fi
echo "yum stand-in: only 'yum -y install --disablerepo=* FILE' is done here, not: yum $*" >&2
exit 1
""",
}

# A record of Nailgun's log: a timestamp and level, then every line up to
# the next record (tracebacks, Python warnings).
LOG_RECORD = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ ([A-Z]+) ', re.M)


class FuelError(Exception):
    """A command or request of the Fuel master failed."""


class FuelMasters(ServiceGroup):
    """PostgreSQL, and the Nailgun of one Fuel 9 version at a time."""

    def start(self):
        self.began = time.monotonic()
        self.check_namespace('the Fuel masters')
        taken = ports_taken(PORTS)
        if taken:
            raise StackError('ports the Fuel masters need are taken on 127.0.0.1: {}; run '
                             'them isolated (in-namespace.sh --isolated)'.format(', '.join(taken)))
        missing = [path for path in [VENV / 'bin' / 'fuel'] + [
            SOURCES / version / part for version in VERSIONS for part in ('fuel-web', 'mitaka-9.0')]
            if not path.exists()]
        if missing:
            raise StackError('{} missing: run tools/install-fuel-master.sh'.format(
                ', '.join(map(str, missing))))
        if self.root.exists():
            shutil.rmtree(self.root)
        self.logs.mkdir(parents=True)
        try:
            var = self.path('var')
            (var / 'upper').mkdir(parents=True)
            (var / 'work').mkdir()
            self.mount_private('/var', source='overlay', options='lowerdir=/var,upperdir={},'
                               'workdir={}'.format(var / 'upper', var / 'work'))
            stand_ins = self.path('stand-ins')
            stand_ins.mkdir()
            for name, script in STAND_INS.items():
                (stand_ins / name).write_text(script)
                (stand_ins / name).chmod(0o755)
            self.wait(self.launch_postgres(PORTS['postgres']))
        except BaseException:
            self.stop()
            raise

    def start_master(self, version):
        """The Nailgun of VERSION, ready, with Fuel's graph loaded."""
        master = Master(self, version)
        master.start()
        return master


class Master:
    """One Fuel master: its Nailgun, database, plugin directory, package
    database, logs, and its CLI."""

    def __init__(self, group, version):
        self.group = group
        self.version = version
        self.name = 'nailgun-' + version
        self.database = 'nailgun_' + re.sub(r'\W', '_', version)
        self.dir = group.path(self.name)
        self.source = SOURCES / version / 'fuel-web' / 'nailgun'
        self.server_log = group.logs / (self.name + '.log')
        self.api_log = group.logs / (self.name + '-api.log')
        self.url = 'http://127.0.0.1:{}/api/v1'.format(PORTS['nailgun'])
        self.service = None
        self._node_macs = 0

    # ------------------------------------------------------------ lifecycle
    def start(self):
        progress('starting Nailgun {}'.format(self.version))
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self.dir.mkdir()
        if PLUGINS_PATH.exists():
            shutil.rmtree(PLUGINS_PATH)
        PLUGINS_PATH.mkdir(parents=True)
        self.group.create_databases(DB_PASSWORD, self.database)
        settings = self.dir / 'settings.yaml'
        settings.write_text(yaml.safe_dump({
            'DATABASE': {'engine': 'postgresql', 'name': self.database, 'host': '127.0.0.1',
                         'port': str(PORTS['postgres']), 'user': self.database,
                         'passwd': DB_PASSWORD},
            'LISTEN_ADDRESS': '127.0.0.1', 'LISTEN_PORT': str(PORTS['nailgun']),
            'APP_LOG': str(self.server_log), 'API_LOG': str(self.api_log),
            'RPC_CONSUMER_LOG_PATH': str(self.dir / 'receiverd.log'),
            'ASSASSIN_LOG_PATH': str(self.dir / 'assassind.log'),
            'STATS_LOGS_PATH': str(self.dir), 'PLUGINS_PATH': str(PLUGINS_PATH),
            'AUTH': {'AUTHENTICATION_METHOD': 'none'},
            # With more than one CPU Nailgun serializes in a process pool,
            # where an exception that cannot be pickled (a yaql error) hangs
            # the request for ever; in one process it is a 500 naming it.
            'LCM_SERIALIZERS_CONCURRENCY_FACTOR': 1,
        }))
        env = {'NAILGUN_CONFIG': str(settings), 'PYTHONPATH': str(self.source)}
        python = VENV / 'bin' / 'python'
        for step in (['syncdb'], ['loaddefault']):
            self.group.set_up(self.name + '-manage', [python, 'manage.py', *step], env=env,
                              cwd=self.source)
        self.service = self.group.launch(
            self.name, [python, 'manage.py', 'run', '-p', PORTS['nailgun'], '-a', '127.0.0.1',
                        '--fake-tasks'],
            lambda: http_answers(self.url + '/version'), env=env, cwd=self.source)
        self.group.wait(self.service)
        tasks = SOURCES / self.version / 'mitaka-9.0'
        self.fuel('rel', '--sync-deployment-tasks', '--dir', tasks)

    def stop(self):
        if self.service is not None:
            self.group.stop_service(self.service)
            self.service = None

    # ------------------------------------------------------------------ CLI
    def fuel(self, *args, check=True):
        """`fuel ARGS` as the operator runs it on this master."""
        env = dict(os.environ, SERVER_ADDRESS='127.0.0.1', SERVER_PORT=str(PORTS['nailgun']),
                   OS_USERNAME='admin', OS_PASSWORD='admin', HOME=str(self.dir),
                   FUEL_MASTER_RPMDB=str(self.dir / 'rpmdb'),
                   PATH='{}:{}'.format(self.group.path('stand-ins'), os.environ['PATH']))
        result = subprocess.run([str(VENV / 'bin' / 'fuel'), *map(str, args)],
                                capture_output=True, text=True, env=env, cwd=self.dir,
                                timeout=120)
        if check and result.returncode:
            raise FuelError('fuel {} exited {}:\n{}{}'.format(
                ' '.join(map(str, args)), result.returncode, result.stdout, result.stderr))
        return result

    # ------------------------------------------------------------------ API
    def api(self, method, path, body=None):
        """(status, decoded JSON or text) of a request to Nailgun's API."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={'Content-Type': 'application/json'},
            data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def api_ok(self, method, path, body=None):
        status, answer = self.api(method, path, body)
        if status >= 300:
            raise FuelError('{} {} answered {}: {}'.format(method, path, status, answer))
        return answer

    def add_nodes(self, count):
        """COUNT discovered nodes, registered as a node's agent registers it
        (POST /nodes), each a copy of the first node of Nailgun's sample
        fixture with addresses of its own; their ids."""
        sample = json.loads((self.source / SAMPLE_NODES).read_text())[0]['fields']
        ids = []
        for _ in range(count):
            self._node_macs += 1
            number = self._node_macs
            node = copy.deepcopy(sample)
            for index, interface in enumerate(node['meta']['interfaces']):
                interface['mac'] = '52:54:00:00:{:02x}:{:02x}'.format(number, index)
                if 'ip' in interface:
                    interface['ip'] = '10.20.0.{}'.format(100 + number)
            pxe = next(i for i in node['meta']['interfaces'] if 'ip' in i)
            node.update(mac=pxe['mac'], ip=pxe['ip'], status='discover', online=True,
                        name='node-{}'.format(number))
            del node['hostname']  # Nailgun names it after its id
            ids.append(self.api_ok('POST', '/nodes/', node)['id'])
        return ids

    # ------------------------------------------------------------------ logs
    def log_mark(self):
        """Where each of Nailgun's logs ends now (it writes whole records):
        log_records(since=) reads what comes after."""
        return {path: path.stat().st_size if path.exists() else 0
                for path in (self.server_log, self.api_log)}

    def log_records(self, since=None):
        """The records of Nailgun's logs (its own, and api.log), or those
        written after the log_mark() SINCE, as (level, text, file name)."""
        records = []
        for path in (self.server_log, self.api_log):
            if not path.exists():
                continue
            with open(path, 'rb') as log:
                log.seek((since or {}).get(path, 0))
                text = log.read().decode(errors='replace')
            starts = [m.start() for m in LOG_RECORD.finditer(text)] + [len(text)]
            if starts[0] > 0:
                records.append(('', text[:starts[0]], path.name))
            for begin, end in zip(starts, starts[1:]):
                level = LOG_RECORD.match(text, begin).group(1)
                records.append((level, text[begin:end], path.name))
        return records

    def deployment_graphs(self, since=None):
        """The task graphs of the deployments Nailgun handed its fake
        orchestrator after the log_mark() SINCE: it logs each message at
        DEBUG, 'data: <message>, params: <...>', as Python literals ({node
        id: [task]}, as serialized_tasks serves)."""
        prefix, suffix = 'Calling fake thread: data: ', ', params: '
        graphs = []
        for level, text, _ in self.log_records(since):
            if level == 'DEBUG' and prefix in text and "'tasks_graph'" in text:
                literal = text.split(prefix, 1)[1].rsplit(suffix, 1)[0]
                message = ast.literal_eval(literal)
                graphs.append(message['args']['tasks_graph'])
        return graphs
