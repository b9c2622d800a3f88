"""Process supervision for the system-test stack: each long-running service a
mirakuru executor, started without waiting (the stack starts its services in
parallel) and then waited for until its readiness check passes.

A service is stopped by mirakuru: its process group, then every process
carrying its executor's tag (cinder-api and cinder-volume fork children that
leave the group). A daemon that escapes even that is found by its mount
namespace (kill_leftovers_in_namespace).
"""

import os
import pathlib
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
