"""Process supervision for the service groups of the tests (the system-test
stack, the Fuel 9 masters): each long-running service a mirakuru executor,
started without waiting (a group starts its services in parallel) and then
waited for until its readiness check passes; a ServiceGroup holds a group's
services, set-up commands, logs and private mounts, and PostgreSQL, which
both groups run.

A service is stopped by mirakuru: its process group, then every process
carrying its executor's tag (cinder-api and cinder-volume fork children that
leave the group). A daemon that escapes even that is found by its mount
namespace (kill_leftovers_in_namespace).
"""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import psutil
from mirakuru import SimpleExecutor
from mirakuru.exceptions import ProcessFinishedWithError

# From launch to ready: the whole stack is ready in about 50 s here.
START_TIMEOUT = 120
PG_BIN = pathlib.Path('/usr/lib/postgresql/15/bin')
# PostgreSQL runs as postgres: its data and socket live here, a tmpfs of the
# group's private mount namespace, never under the group's root (which may be
# inside a directory only root can enter, such as /root).
PG_DIR = pathlib.Path('/var/lib/postgresql')
# From SIGTERM to SIGKILL.
STOP_TIMEOUT = 30
READY_POLL_S = 0.2


class StackError(Exception):
    """The stack could not start; the message names the service and its log."""


def progress(message):
    print('==> stack: {}'.format(message), flush=True)


def tail(path, lines=40):
    try:
        text = pathlib.Path(path).read_text(errors='replace')
    except FileNotFoundError:
        return '(no log written)'
    return '\n'.join(text.splitlines()[-lines:])


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(('127.0.0.1', port)) == 0


def ports_taken(ports):
    """Those of PORTS ({name: port}) something already listens on, on 127.0.0.1."""
    taken = []
    for name, port in ports.items():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                taken.append('{} ({})'.format(port, name))
    return taken


def connected_to(pids, port):
    """True once one of PIDS holds an established connection to PORT (a
    service with no port of its own, ready once it consumes its message
    queue). A process that ended or cannot be read counts as not connected:
    the service's own exit is what wait_ready reports."""
    for pid in pids:
        try:
            connections = psutil.Process(pid).net_connections()
        except psutil.Error:
            continue
        if any(conn.status == psutil.CONN_ESTABLISHED and conn.raddr
               and conn.raddr.port == port for conn in connections):
            return True
    return False


def http_answers(url):
    """True once the URL answers HTTP at all (any status: it is listening)."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def resident_memory(pids):
    """Resident memory (bytes) of those of PIDS that still run."""
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_seconds(pids):
    """CPU time (user and system, seconds) used so far by those of PIDS that
    still run."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def interrupt_on_sigterm():
    """Let SIGTERM (a CI time-out, `kill`) unwind like Ctrl-C, through the
    code that stops the stack, instead of ending Python on the spot."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt('SIGTERM')
    signal.signal(signal.SIGTERM, interrupt)


def kill_leftovers_in_namespace():
    """Kill, by PID, any process of this mount namespace but this one and its
    parents (a daemon that escaped its service's process group), and say so."""
    namespace = os.readlink('/proc/self/ns/mnt')
    mine = {os.getpid(), *(p.pid for p in psutil.Process().parents())}
    leftovers = []
    for process in psutil.process_iter():
        try:
            if process.pid not in mine and os.readlink(
                    '/proc/{}/ns/mnt'.format(process.pid)) == namespace:
                leftovers.append(process)
        except (OSError, psutil.Error):
            pass
    for process in leftovers:
        # Killing a parent (Postfix's master) may end its children first.
        try:
            progress('killing leftover process {} {}'.format(process.pid, process.name()))
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(leftovers, timeout=STOP_TIMEOUT)


class Service(SimpleExecutor):
    """One long-running process of the stack, its output in LOG, ready when
    READY() is true. The executor's timeout is the stop's; the start has
    START_TIMEOUT from launch()."""

    def __init__(self, name, command, ready, log, **kwargs):
        self.name = name
        self.log = log
        self._ready = ready
        self._log_file = open(log, 'ab')
        self._ready_by = None
        super().__init__(command, timeout=STOP_TIMEOUT, stdin=subprocess.DEVNULL,
                         stdout=self._log_file, stderr=subprocess.STDOUT, **kwargs)

    def launch(self):
        """Start the process without waiting for it to be ready."""
        self.start()
        self._ready_by = time.monotonic() + START_TIMEOUT
        return self

    def wait_ready(self):
        """Return once the readiness check passes; raise StackError if the
        process ends first or START_TIMEOUT passes (then kill it)."""
        while not self._ready():
            exit_code = self.process.poll()
            if exit_code is not None:
                raise StackError('exited with status {}'.format(exit_code))
            if time.monotonic() > self._ready_by:
                self.kill()
                raise StackError('not ready {} s after its start'.format(START_TIMEOUT))
            time.sleep(READY_POLL_S)

    def pids(self):
        """The process and all its descendants, as the demo records them."""
        if self.process is None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            return [root.pid] + [p.pid for p in root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, *args, **kwargs):
        try:
            super().stop(*args, **kwargs)
        except ProcessFinishedWithError:
            pass  # an exit status on SIGTERM does not matter: it is gone
        finally:
            self._log_file.close()


class ServiceGroup:
    """Services started together, their state and logs under ROOT (the logs
    in ROOT/logs stay after a stop, for post-mortems), inside a private
    mount namespace (tools/stack/in-namespace.sh) where tmpfs mounts keep
    the system directories they write private."""

    def __init__(self, root):
        self.root = pathlib.Path(root).resolve()
        self.logs = self.root / 'logs'
        self.services = []
        self.mounted = []
        self.began = None
        self.postgres_port = None

    def path(self, *parts):
        return self.root.joinpath(*parts)

    def check_namespace(self, what):
        if os.environ.get('STACK_MOUNT_NAMESPACE') != os.readlink('/proc/self/ns/mnt'):
            raise StackError(
                '{} must run in a private mount namespace: run it through '
                'tools/stack/in-namespace.sh, as the Makefile does'.format(what))

    def mount_private(self, path, owner='root', source='tmpfs', options='mode=0755'):
        """A tmpfs (or another file system) over PATH, unmounted at the stop."""
        os.makedirs(path, exist_ok=True)
        subprocess.run(['mount', '-t', source, '-o', options, source, str(path)], check=True)
        self.mounted.append(str(path))
        shutil.chown(path, owner, owner)

    def set_up(self, name, cmd, input=None, env=None, user=None, cwd=None):
        """Run a one-shot set-up command, its output appended to logs/NAME.log.
        Another user's command runs in /, which that user can always enter."""
        with open(self.logs / (name + '.log'), 'ab') as log:
            result = subprocess.run(
                [str(c) for c in cmd], input=input, stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, **(env or {})), user=user, timeout=START_TIMEOUT,
                cwd='/' if user else cwd)
        if result.returncode:
            raise StackError('{} failed (exit {}): {}\n--- last lines of {} ---\n{}'.format(
                name, result.returncode, ' '.join(map(str, cmd)),
                self.logs / (name + '.log'), tail(self.logs / (name + '.log'))))

    def launch(self, name, cmd, ready, env=None, user=None, cwd=None):
        service = Service(name, [str(c) for c in cmd], ready, self.logs / (name + '.log'),
                          envvars=env, cwd=cwd, popen_kwargs={'user': user} if user else None)
        self.services.append(service)
        return service.launch()

    def wait(self, *services):
        for service in services:
            try:
                service.wait_ready()
            except StackError as error:
                raise StackError('{} did not start: {}\n--- last lines of {} ---\n{}'.format(
                    service.name, error, service.log, tail(service.log))) from None
            progress('{} is up ({:.0f} s)'.format(service.name, time.monotonic() - self.began))

    def stop_service(self, service):
        progress('stopping {}'.format(service.name))
        service.stop()
        self.services.remove(service)

    def stop(self):
        pids = sorted({pid for service in self.services for pid in service.pids()})
        for service in reversed(list(self.services)):
            self.stop_service(service)
        kill_leftovers_in_namespace()
        alive = [pid for pid in pids if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        if alive:
            progress('still running after the stop: PIDs {}'.format(alive))
        else:
            progress('stopped: {} processes ended'.format(len(pids)))
        for path in reversed(self.mounted):
            subprocess.run(['umount', path], check=False)
        self.mounted = []

    def memory_report(self):
        """Resident memory of each service and in total (MiB)."""
        sizes = {service.name: resident_memory(service.pids()) for service in self.services}
        total = sum(sizes.values()) // 2**20
        parts = ', '.join('{} {}'.format(name, rss // 2**20)
                          for name, rss in sorted(sizes.items(), key=lambda i: -i[1]))
        return '{} MiB ({})'.format(total, parts)

    # ------------------------------------------------------------ PostgreSQL
    def launch_postgres(self, port):
        """Debian's PostgreSQL 15 on 127.0.0.1:PORT, in PG_DIR (mounted
        private here): passwords over TCP, trust on its socket."""
        self.postgres_port = port
        self.mount_private(PG_DIR, 'postgres')
        (PG_DIR / 'run').mkdir()
        shutil.chown(PG_DIR / 'run', 'postgres', 'postgres')
        self.set_up('postgres-initdb', [PG_BIN / 'initdb', '--no-sync', '-U', 'postgres',
                                     '--auth-local=trust', '--auth-host=scram-sha-256',
                                     '-D', PG_DIR / 'data'], user='postgres')
        return self.launch('postgres', [
            PG_BIN / 'postgres', '-D', PG_DIR / 'data', '-k', PG_DIR / 'run',
            '-c', 'listen_addresses=127.0.0.1', '-p', port,
            # A throwaway database: durability costs only time here.
            '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
            lambda: port_open(port), user='postgres', cwd='/')

    def psql(self, sql):
        self.set_up('psql', ['psql', '-v', 'ON_ERROR_STOP=1', '-q', '-h', PG_DIR / 'run',
                          '-p', self.postgres_port, '-U', 'postgres', '-f', '-'],
                 input=sql.encode(), user='postgres')

    def create_databases(self, password, *names):
        """A database per name, owned by a role of the same name."""
        self.psql(''.join(
            "CREATE ROLE {0} LOGIN PASSWORD '{1}';\nCREATE DATABASE {0} OWNER {0};\n".format(
                name, password) for name in names))

    def query(self, database, sql):
        """One value from a service's database, as text."""
        return subprocess.run(
            ['psql', '-At', '-h', str(PG_DIR / 'run'), '-p', str(self.postgres_port),
             '-U', 'postgres', '-d', database, '-c', sql], capture_output=True, text=True,
            user='postgres', cwd='/').stdout.strip()
