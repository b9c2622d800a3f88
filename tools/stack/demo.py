"""`make demo`: the system-test stack on the machine's loopback, left running
with the sample workbook and one backup made, for an operator to try.

Command line (inside tools/stack/in-namespace.sh, as the Makefile runs it):
  demo.py start ROOT [ENGINE]
                        start the stack with one Mistral (zed, the default, or
                        mitaka), do what an operator does after deploying,
                        print how to use it, leave it running
  demo.py stop ROOT     stop a stack started that way, by the PIDs it recorded

What an operator does, each command printed before it runs, with the
`openstack` CLI of the engine's release and admin's credentials: create the
mail environment and the sample workbook as the user guide shows, make a demo
volume in project-a, run one backup execution and print its tasks' progress
until it ends.
"""

import json
import os
import pathlib
import shlex
import signal
import subprocess
import sys
import time

import psutil

import stack as stack_module
from supervision import STOP_TIMEOUT, StackError, interrupt_on_sigterm, progress

WORKBOOK = stack_module.TOP / 'examples' / 'mistral_workbook.yaml'
MAIL_ENV = 'cinder_gcs_backup_mail'
REPORT_TO = 'ops@example.com'
POLL = 5
TIMEOUT = 900


class DemoError(Exception):
    """A demo command failed; the message has its output."""


def openstack(stack, user, *args, quiet=False):
    """Run one `openstack` command as USER with the CLI of the demo's engine
    release, printing it first unless QUIET (the password of the mail
    environment is in a file, never in a command line)."""
    cli = stack_module.ENGINES[stack.engines[0]]['cli']
    if not quiet:
        print('    $ ' + shlex.join([cli, *args]), flush=True)
    result = subprocess.run([cli, *args], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, **stack.credentials(user)))
    if result.returncode:
        raise DemoError('openstack {} failed:\n{}{}'.format(
            ' '.join(args), result.stdout, result.stderr))
    return result.stdout


def show(stack, user, *args, quiet=False):
    return json.loads(openstack(stack, user, *args, '-f', 'json', quiet=quiet))


def create_mail_environment(stack):
    """The guide's recommended mail settings: the stack's relay, which holds
    the mail server's login; no password in Mistral."""
    settings = stack.root / 'cinder_gcs_backup_mail.json'
    settings.write_text(json.dumps({
        'name': MAIL_ENV, 'description': 'Mail settings of the demo stack',
        'variables': {'smtp_server': '127.0.0.1:{}'.format(stack_module.PORTS['smtp_relay']),
                      'from_addr': stack_module.MAIL_FROM}}))
    openstack(stack, 'admin', 'workflow', 'env', 'create', '-c', 'Name', str(settings))


def wait_available(stack, volume_id):
    deadline = time.monotonic() + 120
    while show(stack, 'alice', 'volume', 'show', volume_id, quiet=True)['status'] != 'available':
        if time.monotonic() > deadline:
            raise DemoError('demo volume {} is not available'.format(volume_id))
        time.sleep(2)


def follow(stack, execution_id):
    """Print the execution's tasks each time one changes state, as
    `openstack task execution list` shows them; return its final state."""
    print('    (polling: openstack workflow execution show {0}; openstack task execution '
          'list {0})'.format(execution_id), flush=True)
    seen = None
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        state = show(stack, 'admin', 'workflow', 'execution', 'show', execution_id,
                     quiet=True)['State']
        tasks = show(stack, 'admin', 'task', 'execution', 'list', execution_id, quiet=True)
        task_states = ', '.join('{} {}'.format(task['Name'], task['State']) for task in tasks)
        if task_states != seen:
            progress('execution {}: {}'.format(state, task_states))
            seen = task_states
        if state in ('SUCCESS', 'ERROR'):
            return state
        time.sleep(POLL)
    raise DemoError('execution {} did not end within {} s'.format(execution_id, TIMEOUT))


def run_workbook_demo(stack):
    progress('sample workbook: mail environment and workbook')
    create_mail_environment(stack)
    openstack(stack, 'admin', 'workbook', 'create', '-c', 'Name', str(WORKBOOK))
    progress('a demo volume in project-a (alice)')
    volume_id = show(stack, 'alice', 'volume', 'create', '--size', '1', 'demo-volume')['id']
    wait_available(stack, volume_id)
    progress('one backup execution of every volume, with a report')
    execution_id = show(
        stack, 'admin', 'workflow', 'execution', 'create',
        'sample_backup_workbook.create_backups_workflow',
        json.dumps({'report_to_list': [REPORT_TO], 'poll_interval': 2}),
        json.dumps({'env': MAIL_ENV}))['ID']
    state = follow(stack, execution_id)
    progress('execution {} ended {}; see `openstack workflow execution output '
             'show {}`'.format(execution_id, state, execution_id))
    return state


def demo_start(root, engine='zed'):
    if (pathlib.Path(root) / 'pids.json').exists():
        raise SystemExit('a demo stack is already running: make demo-stop first')
    try:
        stack = stack_module.Stack(root, engines=(engine,))
    except StackError as error:
        raise SystemExit(str(error)) from None
    interrupt_on_sigterm()
    try:
        stack.start()
    except StackError as error:
        raise SystemExit('the demo stack did not start: {}'.format(error)) from None
    try:
        run_workbook_demo(stack)
    except BaseException:
        stack.stop()
        raise
    pids = {service.name: service.pids() for service in stack.services}
    (stack.root / 'pids.json').write_text(json.dumps(pids))
    print('stack running on Mistral {}, with the sample workbook and one backup made.\n'
          'Use it with:\n'
          '  source {}        (admin; openrc.alice, openrc.bob: ordinary users)\n'
          '  the CLI:         {}\n'
          '  mail received:   {}\n'
          '  bucket listing:  curl http://127.0.0.1:{}/storage/v1/b/{}/o\n'
          'try the commands of the user guide\'s "Automate with Mistral" chapter, or\n'
          'a changed workbook: openstack workbook update examples/mistral_workbook.yaml\n'
          'stop it with: make demo-stop'.format(
              {'mitaka': '2.0.0 (Mitaka)', 'zed': 'of Zed'}[engine], stack.openrc(),
              stack_module.ENGINES[engine]['cli'], stack.maildir,
              stack_module.PORTS['gcs_emulator'], stack_module.BUCKET))
    # Leave the services running: skip mirakuru's exit handler, which kills them.
    sys.stdout.flush()
    os._exit(0)


def demo_stop(root):
    pids_file = pathlib.Path(root) / 'pids.json'
    pids = [pid for group in json.loads(pids_file.read_text()).values() for pid in group]
    processes = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            process.send_signal(signal.SIGTERM)
            processes.append(process)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=STOP_TIMEOUT)
    for process in alive:
        process.kill()
    pids_file.unlink()
    progress('stopped {} processes'.format(len(processes)))


if __name__ == '__main__':
    {'start': demo_start, 'stop': demo_stop}[sys.argv[1]](*sys.argv[2:])
