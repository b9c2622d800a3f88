"""The system-test stack seen from the machine it runs on (Zed stack, Debian 12).

These tests run outside the stack's namespaces, as a developer's shell or CI
does, and start the stack the way `make system-test` and `make demo` do:
- isolated, it starts whatever the machine already listens on, from a stack
  directory only root can enter (as a clone under /root gives);
- Ctrl-C while the stack starts, or SIGTERM during a system test, stops every
  service by PID, says so, and leaves no process behind;
- a stack that cannot start ends the run once, with the service's log tail;
- the demo, on the machine's loopback, names a taken port before starting
  anything.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time

import psutil
import pytest

import stack as stack_module
import supervision
from support.project import REPO

IN_NAMESPACE = REPO / 'tools' / 'stack' / 'in-namespace.sh'
PYTEST = REPO / '.venv' / 'test' / 'bin' / 'pytest'
PYTHON = REPO / '.venv' / 'test' / 'bin' / 'python'

# A system test that takes long enough to be interrupted in.
SYSTEM_TEST = 'tests/system/test_backup_cycle.py'


@contextlib.contextmanager
def listening(*names):
    """Take the stack's ports for NAMES on this machine's 127.0.0.1, as a
    PostgreSQL, RabbitMQ, Keystone or Cinder of its own would (plain
    listening sockets standing in for those servers). A port something else
    already holds is as good."""
    sockets = []
    for name in names:
        sock = socket.socket()
        try:
            sock.bind(('127.0.0.1', stack_module.PORTS[name]))
            sock.listen()
        except OSError:
            sock.close()
            continue
        sockets.append(sock)
    for name in names:
        assert supervision.port_open(stack_module.PORTS[name]), name
    try:
        yield
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture
def root_only_dir(tmp_path):
    """A directory only root can enter, like /root on Debian."""
    private = tmp_path / 'root-only'
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    return private


def isolated_system_tests(stack_dir, *tests, env=None):
    return subprocess.Popen(
        [IN_NAMESPACE, '--isolated', PYTEST, '-p', 'no:cacheprovider', '-v', *tests],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
        env=dict(os.environ, SYSTEM_TEST_STACK_DIR=str(stack_dir), **(env or {})))


def read_until(process, marker, timeout):
    """The process's output up to the line holding MARKER."""
    lines = []
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            return ''.join(lines)
        if time.monotonic() > deadline:
            break
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail('no "{}" within {} s:\n{}'.format(marker, timeout, ''.join(lines)))


def namespace_processes(process):
    """Host PIDs of every process in the PID namespace under PROCESS."""
    init = [child for child in psutil.Process(process.pid).children(recursive=True)
            if os.readlink('/proc/{}/ns/pid'.format(child.pid)) != os.readlink('/proc/self/ns/pid')]
    namespace = os.readlink('/proc/{}/ns/pid'.format(init[0].pid))
    found = []
    for candidate in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if os.readlink('/proc/{}/ns/pid'.format(candidate.pid)) == namespace:
                found.append(candidate)
    return found


STARTED_FIRST = ('postgres', 'rabbitmq', 'keystone', 'ceph-osd')


@pytest.mark.parametrize('interrupt, when, stopped', [
    # What the terminal sends, while the stack's Cinder and Mistral are
    # being started (each case a stack start: the other signal at the
    # other moment would add a minute to make test for little more).
    pytest.param(signal.SIGINT, 'ceph-osd is up', STARTED_FIRST, id='ctrl-c-while-starting'),
    # A time-out killing the wrapper, in a test.
    pytest.param(signal.SIGTERM, 'ready in',
                 STARTED_FIRST + ('cinder-backup', 'mistral', 'mistral-mitaka-engine'),
                 id='sigterm-in-a-test'),
])
def test_interrupted_system_tests_stop_every_service(interrupt, when, stopped, root_only_dir):
    stack_dir = root_only_dir / 'stack'
    with listening('postgres', 'rabbit', 'keystone', 'cinder', 'mistral'):
        run = isolated_system_tests(stack_dir, SYSTEM_TEST)
        started = read_until(run, '==> stack: ' + when, timeout=400)
        services = namespace_processes(run)
        if interrupt == signal.SIGINT:
            os.killpg(run.pid, signal.SIGINT)
        else:
            time.sleep(5)  # into the test itself
            run.send_signal(signal.SIGTERM)
        output = started + run.communicate(timeout=180)[0]

    assert run.returncode != 0, output
    for name in stopped:
        assert '==> stack: stopping {}\n'.format(name) in output, output
    assert '==> stack: stopped: ' in output and 'still running' not in output, output
    # PostgreSQL, as user postgres, ran with the stack directory unreachable
    # to it, and was shut down, not killed.
    assert 'database system is shut down' in (stack_dir / 'logs' / 'postgres.log').read_text()
    assert len(services) > 10
    left = [p for p in services if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, left


def test_a_stack_that_cannot_start_ends_the_run_once(root_only_dir, tmp_path):
    # A stand-in for a broken service: an epmd that refuses to start.
    stub_bin = tmp_path / 'bin'
    stub_bin.mkdir()
    stub = stub_bin / 'epmd'
    stub.write_text('#!/bin/sh\necho "stub epmd: cannot start (test)"\nexit 1\n')
    stub.chmod(0o755)
    run = isolated_system_tests(
        root_only_dir / 'stack', SYSTEM_TEST, 'tests/system/test_cron_trigger.py',
        env={'PATH': '{}:{}'.format(stub_bin, os.environ['PATH'])})
    output = run.communicate(timeout=300)[0]

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert output.count('epmd did not start') == 1, output
    assert 'stub epmd: cannot start (test)' in output, output
    assert '==> stack: stopping postgres' in output, output
    assert 'test_cron_trigger' not in output.split('==> stack: stopped')[-1], output


def test_demo_names_a_taken_port_before_starting_anything(root_only_dir):
    demo_dir = root_only_dir / 'demo'
    with listening('cinder'):
        result = subprocess.run(
            [IN_NAMESPACE, PYTHON, REPO / 'tools' / 'stack' / 'demo.py', 'start', demo_dir],
            cwd=REPO, capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert 'ports the stack needs are taken on 127.0.0.1' in result.stderr, result.stderr
    assert '8776 (cinder)' in result.stderr, result.stderr
    assert not demo_dir.exists()
