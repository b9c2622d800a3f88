"""The workbook part of `make demo`: what an operator does after deploying.

On a started stack, with the `openstack` CLI and admin's credentials, each
command printed before it runs: create the mail environment and the sample
workbook as the user guide shows, make a demo volume in project-a, run one
backup execution and print its tasks' progress until it ends.
"""

import json
import os
import shlex
import subprocess
import time

import stack as stack_module

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
        progress = ', '.join('{} {}'.format(task['Name'], task['State']) for task in tasks)
        if progress != seen:
            stack_module.progress('execution {}: {}'.format(state, progress))
            seen = progress
        if state in ('SUCCESS', 'ERROR'):
            return state
        time.sleep(POLL)
    raise DemoError('execution {} did not end within {} s'.format(execution_id, TIMEOUT))


def run_workbook_demo(stack):
    stack_module.progress('sample workbook: mail environment and workbook')
    create_mail_environment(stack)
    openstack(stack, 'admin', 'workbook', 'create', '-c', 'Name', str(WORKBOOK))
    stack_module.progress('a demo volume in project-a (alice)')
    volume_id = show(stack, 'alice', 'volume', 'create', '--size', '1', 'demo-volume')['id']
    wait_available(stack, volume_id)
    stack_module.progress('one backup execution of every volume, with a report')
    execution_id = show(
        stack, 'admin', 'workflow', 'execution', 'create',
        'sample_backup_workbook.create_backups_workflow',
        json.dumps({'report_to_list': [REPORT_TO], 'poll_interval': 2}),
        json.dumps({'env': MAIL_ENV}))['ID']
    state = follow(stack, execution_id)
    stack_module.progress('execution {} ended {}; see `openstack workflow execution output '
                          'show {}`'.format(execution_id, state, execution_id))
    return state
