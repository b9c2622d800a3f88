"""Helpers of the workflow tests: the sample workbook on the stack's Mistral,
its executions, what Cinder holds after them, the report mails and the secrets.

Everything an assertion reads comes from the real services: Mistral's API for
executions and task executions, Cinder's for volumes, snapshots and backups,
the SMTP server's Maildir for the reports.
"""

import email
import email.policy
import json
import mailbox
import re

import pytest
import yaml

import stack as stack_module
from plugin_deployment import key_file_of
from support.polling import wait_until
from support.project import REPO

from .api import ApiError

WORKBOOK = REPO / 'examples' / 'mistral_workbook.yaml'
WORKBOOK_NAME = 'sample_backup_workbook'
MAIL_ENV = 'cinder_gcs_backup_mail'
REPORT_TO = 'ops@example.com'
SNAPSHOT_NAME = 'by_create_backups_workflow'
TERMINAL = ('SUCCESS', 'ERROR', 'CANCELLED')
MITAKA_TASK_LIST_PATIENCE = 3
# Fast polling for the tests; the defaults (10 s) are for real clouds.
FAST = {'poll_interval': 1}
# A Keystone Fernet token (the stack's provider): 'gAAAAA' and base64url.
KEYSTONE_TOKEN = re.compile(r'gAAAAA[A-Za-z0-9_-]{60,}')
# What Mistral 2.0.0 puts before an action's error: its ID, class and
# parameters; and what Zed's puts around it: the action object and ID.
MITAKA_ACTION_PREAMBLE = re.compile(r'Failed to run action \[.*?\]\n ', re.S)
ZED_ACTION_WRAPPING = re.compile(
    r"The action raised an exception \[action=.*?, action_ex_id=[^,]*, msg='(.*)'\]", re.S)
REQUEST_ID = re.compile(r' ?\(Request-ID: req-[0-9a-f-]+\)')
ANY_ID = re.compile(r'[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}')


def workbook_default(name):
    """create_backups_workflow's own default for input NAME."""
    workflow = yaml.safe_load(WORKBOOK.read_text())['workflows']['create_backups_workflow']
    defaults = {name: value for item in workflow['input'] if isinstance(item, dict)
                for name, value in item.items()}
    return defaults[name]


class Execution:
    """A finished workflow execution as Mistral's API returns it, with what
    its tasks published (a failed execution's output holds only the error:
    Mitaka's DSL has no output-on-error), and for a run of
    create_backups_workflow each volume's record (from MISTRAL, read when
    first asked for)."""

    def __init__(self, record, tasks, mistral=None):
        self.record = record
        self.id = record['id']
        self.state = record['state']
        self.state_info = record.get('state_info')
        self.output = json.loads(record.get('output') or '{}')
        self.published = {}
        self.published_by = {}
        for task in tasks:
            published = json.loads(task.get('published') or '{}')
            self.published.update(published)
            self.published_by[task['name']] = published
        self.mistral = mistral
        self._volumes = None

    @property
    def groups(self):
        """create_backups_workflow's groups of volumes, from the output, or
        on failure from what record_outcomes published (summarize_backups
        and back_up_raced_volumes publish earlier ones; Mistral 2.0.0 lists
        tasks in no set order)."""
        return self.output.get('outcomes', self.published_by.get(
            'record_outcomes', {}).get('outcomes')) or []

    @property
    def volumes(self):
        """create_backups_workflow's record of each volume, {volume_id:
        entry}: the outputs of its _back_up_volume_workflow executions, the
        later one for a volume backed up twice (the bucket race's second
        pass). A volume whose execution did not end well has none."""
        if self._volumes is None:
            records = sorted((record for record, _ in self.mistral.tree(self.id)
                              if record['workflow_name'].endswith('._back_up_volume_workflow')),
                             key=lambda record: record['created_at'])
            entries = [json.loads(record.get('output') or '{}') for record in records]
            self._volumes = {entry['volume_id']: entry for entry in entries
                             if 'volume_id' in entry}
        return self._volumes

    def outcomes(self):
        """{volume_id: outcome} of the volumes' records, which the run's
        groups (when it came to them) must tell alike."""
        outcomes = {volume_id: entry['outcome'] for volume_id, entry in self.volumes.items()}
        grouped = self.grouped_outcomes()
        assert not grouped or all(grouped.get(volume_id) == outcome
                                  for volume_id, outcome in outcomes.items()), (grouped, self)
        return outcomes

    def grouped_outcomes(self):
        """{volume_id: outcome} as the run's groups give it."""
        return {volume_id: group['outcome'] for group in self.groups
                for volume_id in group['volume_ids']}

    def __repr__(self):
        return 'execution {} {} ({}), output {}'.format(
            self.id, self.state, self.state_info, json.dumps(self.output)[:3000])


class Mistral:
    """The sample workbook and its executions, as one user of the stack."""

    def __init__(self, session, stack, engine, set_up=True):
        self.api = session
        self.stack = stack
        self.engine = engine
        # Create the workbook and the mail environment before a start
        # unless the project has them (the walkthrough removes them).
        self.set_up = set_up

    def call(self, method, path, body=None, text=None, **query):
        return self.api.mistral(self.engine, method, path, body, text, **query)

    def has(self, name, collection='/workbooks/'):
        try:
            self.call('GET', collection + name)
        except ApiError as error:
            if error.status != 404:
                raise
            return False
        return True

    def ensure_workbook(self):
        """This repository's workbook, created unless the project has one
        (after removing the workflows a deleted one left: their names would
        clash)."""
        if not self.has(WORKBOOK_NAME):
            self.delete_workflows()
            self.call('POST', '/workbooks', text=WORKBOOK.read_text())

    def update_workbook(self, text):
        self.call('PUT', '/workbooks', text=text)

    def delete_workbook(self):
        try:
            self.call('DELETE', '/workbooks/' + WORKBOOK_NAME)
        except ApiError as error:
            if error.status != 404:
                raise

    def mail_settings(self):
        """The guide's recommended settings: the relay, no password in Mistral."""
        return {'smtp_server': '127.0.0.1:{}'.format(stack_module.PORTS['smtp_relay']),
                'from_addr': stack_module.MAIL_FROM}

    def mail_settings_with_password(self):
        """The guide's alternative: the mail server itself, with its login."""
        return {'smtp_server': '127.0.0.1:{}'.format(stack_module.PORTS['smtp']),
                'from_addr': stack_module.MAIL_FROM,
                'smtp_password': self.stack.passwords['smtp']}

    def put_mail_env(self, **changes):
        """The mail environment cinder_gcs_backup_mail in this user's
        project: the recommended settings, with CHANGES."""
        body = {'name': MAIL_ENV, 'description': 'system tests',
                'variables': json.dumps(dict(self.mail_settings(), **changes))}
        method = 'PUT' if self.has(MAIL_ENV, '/environments/') else 'POST'
        return self.call(method, '/environments', body)

    def delete_workflows(self, workbook=WORKBOOK_NAME):
        """This project's workflows of WORKBOOK: Zed's Mistral keeps them
        when the workbook is deleted."""
        for workflow in self.call('GET', '/workflows', limit=1000)['workflows']:
            if (workflow['name'].startswith(workbook + '.')
                    and workflow['project_id'] == self.api.project_id):
                self.call('DELETE', '/workflows/' + workflow['id'])

    def delete_mail_env(self):
        try:
            self.call('DELETE', '/environments/' + MAIL_ENV)
        except ApiError as error:
            if error.status != 404:
                raise

    def start(self, workflow, inputs=None, env=MAIL_ENV, workbook=WORKBOOK_NAME):
        """Start WORKFLOW of WORKBOOK (one the caller created, unless it is
        this repository's) and return the execution's ID."""
        if self.set_up:
            if workbook == WORKBOOK_NAME:
                self.ensure_workbook()
            if env and not self.has(env, '/environments/'):
                self.put_mail_env()
        body = {'workflow_name': '{}.{}'.format(workbook, workflow),
                'input': json.dumps(inputs or {})}
        if env:
            body['params'] = json.dumps({'env': env})
        return self.call('POST', '/executions', body)['id']

    def execution(self, execution_id):
        return self.call('GET', '/executions/' + execution_id)

    def wait(self, execution_id, timeout=300):
        def finished():
            record = self.execution(execution_id)
            return record if record['state'] in TERMINAL else None
        record = wait_until('execution {} to end'.format(execution_id), finished, timeout)
        return Execution(record, self.tasks(execution_id), self)

    def run(self, workflow, inputs=None, env=MAIL_ENV, timeout=300):
        """Start a workflow and wait for its end."""
        return self.wait(self.start(workflow, inputs, env), timeout)

    def tasks(self, execution_id):
        """The execution's task executions. Mistral 2.0.0's API parses every
        task's spec again to list them, and while its engine ended other runs
        in the same process it once answered 400 "Parse error: unexpected
        end of statement" (test_workers_under_load, four runs ending within
        a second; the runs themselves succeeded): read again then, for up to
        MITAKA_TASK_LIST_PATIENCE seconds. (The stack now runs the API in a
        process of its own, as Fuel 9 does; whether the API alone can still
        answer so is not known.)"""
        def listed():
            try:
                # In a tuple: an execution without tasks is an answer too.
                return (self.call('GET', '/executions/{}/tasks'.format(execution_id))['tasks'],)
            except ApiError as error:
                if self.engine == 'mitaka' and error.status == 400 and 'Parse error' in error.body:
                    return None
                raise
        tasks, = wait_until('the task list of execution ' + execution_id, listed,
                            MITAKA_TASK_LIST_PATIENCE)
        return tasks

    def task(self, execution_id, name):
        """The task execution NAME of an execution (the last one if repeated)."""
        named = [task for task in self.tasks(execution_id) if task['name'] == name]
        assert named, 'execution {} has no task {}'.format(execution_id, name)
        return named[-1]

    def executions_of(self, workflow):
        """The project's executions of one of the workbook's workflows."""
        name = '{}.{}'.format(WORKBOOK_NAME, workflow)
        if self.engine == 'mitaka':  # its API has no workflow_name filter
            return [record for record in self.call('GET', '/executions')['executions']
                    if record['workflow_name'] == name]
        return self.call('GET', '/executions', workflow_name=name, limit=1000)['executions']

    def sub_executions(self, task_id):
        """The workflow executions a task started (its with-items' included),
        with their output (Zed's API leaves it out of a list unless asked),
        on Zed's Mistral (2.0.0's API has no task_execution_id filter: tree)."""
        return self.call('GET', '/executions', task_execution_id=task_id, include_output=True,
                         limit=1000)['executions']

    def _executions_by_task(self):
        """Every execution of the project by the task that started it:
        Mistral 2.0.0's API has no task_execution_id filter."""
        by_task = {}
        for record in self.call('GET', '/executions')['executions']:
            by_task.setdefault(record.get('task_execution_id'), []).append(record)
        return by_task

    def action_executions(self, task_id):
        return self.call(
            'GET', '/tasks/{}/action_executions'.format(task_id))['action_executions']

    def tree(self, execution_id):
        """The execution and every sub-workflow execution below it, each as
        (execution, its task executions), depth first; each task execution
        has a 'type' (Mistral 2.0.0's API gives none: WORKFLOW there when it
        started sub-workflows, else ACTION)."""
        by_task = self._executions_by_task() if self.engine == 'mitaka' else None

        def children(task):
            if by_task is None:
                return self.sub_executions(task['id']) if task['type'] == 'WORKFLOW' else []
            subs = by_task.get(task['id'], [])
            task['type'] = 'WORKFLOW' if subs else 'ACTION'
            return subs

        def below(record):
            tasks = self.tasks(record['id'])
            found = [(record, tasks)]
            for task in tasks:
                for sub in children(task):
                    found += below(sub)
            return found
        return below(self.execution(execution_id))

    def exposed_records(self, execution_id):
        """Every record the API gives of an execution and all its
        sub-executions, whole (input, params, output, published, result,
        state_info...), each as (where, its JSON text); where names the
        record: 'execution WORKFLOW', 'task NAME' or 'action of task NAME'."""
        records = []
        for record, tasks in self.tree(execution_id):
            records.append(('execution ' + record['workflow_name'].split('.')[-1],
                            json.dumps(record)))
            for task in tasks:
                records.append(('task ' + task['name'], json.dumps(task)))
                if task['type'] == 'ACTION':
                    for action in self.action_executions(task['id']):
                        records.append(('action of task ' + task['name'], json.dumps(action)))
        return records

    def exposed_text(self, execution_id):
        """exposed_records as one text."""
        return '\n'.join(text for _, text in self.exposed_records(execution_id))


class Cinder:
    """What Cinder holds, seen by admin across all projects."""

    def __init__(self, admin_session):
        self.api = admin_session

    def volume(self, volume_id):
        return self.api.cinder('GET', '/volumes/' + volume_id)['volume']

    def temporary_volumes_of(self, volume_id):
        """The volumes cinder-volume made for backing VOLUME_ID up: the clone
        of the snapshot a backup reads ('backup-vol-' and the volume's ID on
        Mitaka and Zed alike)."""
        return [volume for volume in self.api.cinder_list('/volumes/detail', 'volumes',
                                                          all_tenants=1)
                if volume['name'] == 'backup-vol-' + volume_id]

    def snapshots_named(self, name):
        return [snapshot for snapshot in self.api.cinder_list(
            '/snapshots/detail', 'snapshots', all_tenants=1) if snapshot['name'] == name]

    def backups(self):
        return self.api.cinder_list('/backups/detail', 'backups', all_tenants=1)

    def messages_about(self, resource_id):
        """The user messages Cinder wrote about a resource (an asynchronous
        operation its services could not do)."""
        return self.api.cinder('GET', '/messages', resource_uuid=resource_id)['messages']

    def backups_of(self, execution_id):
        """The backups an execution of create_backups_workflow created: its
        ID is in their description."""
        return [backup for backup in self.backups()
                if execution_id in (backup.get('description') or '')]

    def assert_no_snapshot_left(self, name=SNAPSHOT_NAME, timeout=120):
        """Once Cinder has settled (deletions finish), no snapshot NAME remains."""
        def none_left():
            left = self.snapshots_named(name)
            if any(snapshot['status'] not in ('deleting', 'creating') for snapshot in left):
                pytest.fail('snapshots left by the workflow: {}'.format(
                    [(s['id'], s['volume_id'], s['status']) for s in left]))
            return not left
        wait_until('the snapshots named {} to be deleted'.format(name), none_left, timeout,
                   interval=2)

    def wait_backups_settled(self, timeout=300):
        """Wait until no backup is being created or deleted (a timed-out
        backup keeps running in cinder-backup after the workflow gave up)."""
        wait_until('backups to settle', lambda: not any(
            backup['status'] in ('creating', 'deleting', 'restoring')
            for backup in self.backups()), timeout, interval=2)


def assert_no_engine_wording(line):
    """A mailed line gives the action's error, not the engine's wording
    around it (2.0.0's parameters, Zed's action ID)."""
    assert 'params=' not in line and 'action_ex_id=' not in line, line


def reported_reason(note):
    """A volume's note as its group gives it (the reason of the report's
    line): the action's error without the engine's wording around it and
    without Cinder's request ID, any ID shown as <ID>, on one line, at most
    300 characters."""
    reason = ZED_ACTION_WRAPPING.sub(r'\1', MITAKA_ACTION_PREAMBLE.sub('', note))
    reason = REQUEST_ID.sub('', reason)
    return ANY_ID.sub('<ID>', reason).replace('\n', ' ')[:300]


def group_lines(outcome, note, volume_ids, snapshots_left=False):
    """How the report mail gives a group of volumes: a line with the
    outcome, the count and the reason, then each volume's ID unless they
    were backed up with nothing left to do."""
    head = '{}{}, {} volume{}: {}'.format(
        'backed up' if outcome == 'backed_up' else outcome,
        ', snapshot left' if snapshots_left else '', len(volume_ids),
        '' if len(volume_ids) == 1 else 's', note)
    listed = outcome != 'backed_up' or snapshots_left
    return [head] + (['  ' + volume_id for volume_id in volume_ids] if listed else [])


class Mail:
    """The messages the stack's SMTP server accepted."""

    def __init__(self, maildir):
        self.maildir = maildir

    def messages(self):
        box = mailbox.Maildir(str(self.maildir), factory=None, create=False)
        found = []
        for key in box.keys():
            with open(self.maildir / 'new' / key, 'rb') as raw:
                found.append(email.message_from_binary_file(raw, policy=email.policy.default))
        return found

    @staticmethod
    def text(message):
        return '{}\n{}'.format(message['Subject'],
                               message.get_body(('plain',)).get_content())

    def about(self, execution_id):
        """The reports that name an execution."""
        return [message for message in self.messages() if execution_id in self.text(message)]

    @staticmethod
    def lines(message):
        """The lines of a report's body: the totals and the run's duration,
        the execution, a blank line, then one line per volume or backup."""
        return message.get_body(('plain',)).get_content().splitlines()

    def report(self, execution_id, timeout=30):
        """The one report of an execution (the relay forwards it a moment
        after the workflow handed it over)."""
        reports = wait_until('the report of ' + execution_id,
                             lambda: self.about(execution_id), timeout)
        assert len(reports) == 1, 'expected one report of {}, got {}'.format(
            execution_id, [m['Subject'] for m in reports])
        return reports[0]


def secrets_of(stack):
    """The secrets no execution, output or mail may show: the SMTP password
    and the service-account key (its private key body and key ID)."""
    key = json.loads(key_file_of(stack.settings['gcs_service_account_key']))
    key_lines = [line for line in key['private_key'].splitlines()
                 if line and not line.startswith('-----')]
    return {'SMTP password': stack.passwords['smtp'],
            'service-account private key': key_lines[1],
            'service-account private_key_id': key['private_key_id']}


def assert_no_secret_in(text, secrets, where):
    """Neither one of SECRETS nor any Keystone token in TEXT."""
    shown = [name for name, value in secrets.items() if value in text]
    if KEYSTONE_TOKEN.search(text):
        shown.append('Keystone token')
    assert not shown, '{} shows the {}'.format(where, ', '.join(shown))
