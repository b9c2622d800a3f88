"""Test 2 of the stack: the user guide's "Automate with Mistral" chapter, run as printed.

The plugin's RPM is installed into a temporary root (the Fuel master's file
system), the guide is built, and every command of the chapter's built HTML
page is taken in order (tools/doc_commands.py) and run, through the
`openstack` CLI with admin's credentials, in a directory standing for root's
home on the controller. It runs on Mistral 2.0.0 with Fuel 9's own clients
(python-openstackclient 2.3.1, python-mistralclient 2.0.0 on Python 2.7,
the `openstack` of .venv/mitaka-mistral): the release the guide is for.
With SYSTEM_TEST_ALL_ON_ZED=1 it also runs on Zed's Mistral with Zed's
clients (about 4 min more, so not in `make test`), where each Fuel 9 command
that newer clients renamed is typed in the newer form the guide gives
beside it (NEWER_FORMS). Placeholders get the stack's values. The two
commands typed on the Fuel master (scp, ssh) cannot run here: each is
replaced by what it does, named in FUEL_MASTER_STEPS. Each command's output is
checked against what the guide shows (EXPECTED); the values later commands
need (an execution's ID, a backup's) are taken from the output, where
PLACEHOLDERS says.

One test per section of the chapter, in the chapter's order (SECTIONS): each
runs on what the sections before it left, as the operator reading the
chapter does, so a section fails at once, naming the one to look at, when
those before it did not all pass. The workbook is deleted first, with its
workflows (Zed's Mistral keeps a deleted workbook's workflows once they have
run): the chapter starts from a Mistral without them.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

import doc_commands
import stack as stack_module
from support.project import PLUGIN_DIR_ON_MASTER, REPO

from .workflows import MAIL_ENV, REPORT_TO, WORKBOOK_NAME, Mistral

WORKBOOK_ON_MASTER = '/' + PLUGIN_DIR_ON_MASTER + '/examples/mistral_workbook.yaml'
WORKFLOWS = ['{}.{}'.format(WORKBOOK_NAME, name) for name in (
    'create_backups_workflow', 'rotate_backups_workflow', 'restore_backup_workflow')]
EXECUTION_TIMEOUT = 600
# The beginnings of Fuel 9's commands that newer clients type differently,
# as the guide names them beside the Fuel 9 form: python-openstackclient
# 3.0 renamed the backup commands; Fuel 9's cliff (2.0) needs the quotes to
# reach `workflow execution show output`, `task execution show published`
# and `task execution show result`, which newer mistralclients renamed.
# Each is replaced wherever it stands in a command (a loop holds one).
NEWER_FORMS = {'openstack backup list': 'openstack volume backup list',
               "openstack workflow execution 'show output'":
               'openstack workflow execution output show',
               "openstack task execution 'show published'":
               'openstack task execution published show',
               "openstack task execution 'show result'":
               'openstack task execution result show'}
# The chapter's sections that hold commands, in its order.
SECTIONS = [
    'copy-the-workbook-to-a-controller', 'recommended-a-relay-on-the-controller',
    'create-the-workbook', 'every-volume-of-every-project', 'chosen-volumes-or-projects',
    'with-an-e-mail-report', 'follow-an-execution', 'each-volume-s-record', 'delete-old-backups',
    'restore-a-backup',
    'run-the-backups-every-night', 'remove-the-workbook',
]


def table(output):
    """Rows of a CLI table, as lists of cell texts (header row included);
    an empty list's one placeholder row (blank on Zed's clients, `<none>` in
    every cell on Mitaka's) is no row."""
    rows = [[cell.strip() for cell in line.strip().strip('|').split('|')]
            for line in output.splitlines() if line.startswith('|')]
    return [row for row in rows if set(row) - {'', '<none>'}]


def fields(output):
    """{Field: Value} of a `show`-style CLI table."""
    return dict(row[:2] for row in table(output)[1:])


def column(output, name):
    rows = table(output)
    return [row[rows[0].index(name)] for row in rows[1:]]


@pytest.fixture(scope='module')
def chapter(built_guide):
    """The steps of the chapter, from the built guide."""
    return doc_commands.extract((built_guide / 'mistral.html').read_text())


class Walkthrough:
    """An operator following the chapter: the controller's shell, what the
    guide's placeholders stand for, the executions started so far."""

    def __init__(self, stack, engine, fuel_master, home, admin, fleet):
        self.stack = stack
        self.engine = engine
        self.fuel_master = fuel_master
        self.home = home
        self.admin = admin
        self.fleet = fleet
        self.env = None  # no credentials until `source /root/openrc`
        self.values = {
            'CONTROLLER': 'node-1', 'VOLUME_ID': fleet.a1, 'PROJECT_ID': fleet.project_b,
            # The guide's recommended mail set-up: the stack's relay.
            'RELAY_PORT': stack_module.PORTS['smtp_relay'], 'FROM_ADDR': stack_module.MAIL_FROM,
            'SMTP_PASSWORD': stack.passwords['smtp']}
        self.executions = []
        self.commands_run = []  # on the controller, as run
        self.sections_passed = []

    @property
    def workbook_created(self):
        """The guide's `workbook create` ran, and its `workbook delete` not since."""
        changes = [command.split()[2] for command in self.commands_run
                   if re.match(r'openstack workbook (create|delete) ', command)]
        return changes[-1:] == ['create']

    # What the two Fuel master commands do, done here instead.
    def scp_workbook(self, match):
        assert match.group('source') == WORKBOOK_ON_MASTER
        shutil.copy(self.fuel_master / WORKBOOK_ON_MASTER.lstrip('/'), self.home)

    def ssh_to_controller(self, match):
        """The following commands run in self.home, the controller's root home."""

    FUEL_MASTER_STEPS = {
        r'scp (?P<source>\S+) root@node-1:~/': scp_workbook,
        r'ssh root@node-1': ssh_to_controller,
    }

    def source_openrc(self):
        """`source /root/openrc`: the stack's admin credentials, and the
        engine's release of the clients first on the PATH."""
        cli = pathlib.Path(shutil.which(stack_module.ENGINES[self.engine]['cli']))
        self.env = dict(os.environ, **self.stack.credentials('admin', self.engine))
        self.env['PATH'] = '{}:{}'.format(cli.parent, os.environ['PATH'])

    def shell(self, command):
        if command == 'source /root/openrc':
            return self.source_openrc()
        assert self.env, 'a command before `source /root/openrc`: ' + command
        result = subprocess.run(['bash', '-c', command], cwd=self.home, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, '{} exited {}:\n{}{}'.format(
            command, result.returncode, result.stdout, result.stderr)
        return result.stdout

    def run_step(self, step):
        text = doc_commands.fill(step.text, self.values)
        if step.kind == 'file':
            (self.home / step.name).write_text(text)
            return None
        if step.host == 'fuel-master':
            for pattern, action in self.FUEL_MASTER_STEPS.items():
                match = re.fullmatch(pattern, text)
                if match:
                    return action(self, match)
            pytest.fail('a Fuel master command this test cannot stand in for: ' + text)
        assert step.host == 'controller', step
        if self.engine != 'mitaka':
            for fuel_9, newer in NEWER_FORMS.items():
                text = text.replace(fuel_9, newer)
        self.commands_run.append(text)
        return self.shell(text)

    def follow(self, output):
        """After `execution create`: the operator waits for its end."""
        created = fields(output)
        assert created['State'] == 'RUNNING'
        execution = Mistral(self.admin, self.stack, self.engine, set_up=False).wait(
            created['ID'], EXECUTION_TIMEOUT)
        self.executions.append((created['Workflow name'], execution))
        return execution

    def last_execution(self):
        return self.executions[-1][1]

    def inputs(self, execution):
        return json.loads(self.admin.mistral(
            self.engine, 'GET', '/executions/' + execution.id)['input'])

    def run_section(self, section, steps, **services):
        """Run the section's steps in order, each checked by its EXPECTED
        check (given SERVICES) and its PLACEHOLDERS taken."""
        for step in steps:
            output = self.run_step(step)
            key = step.name if step.kind == 'file' else doc_commands.fill(step.text, self.values)
            check = expectation(key)
            assert check is not None, 'no expectation for the guide\'s step: ' + key
            check(self, output, **services)
            for pattern, placeholder, value in PLACEHOLDERS:
                if re.fullmatch(pattern, key):
                    self.values[placeholder] = value(self, output)


def make_the_bucket(stack, module_volumes, gcs):
    """What the chapter asks before the first run: the bucket exists, as
    after the verification chapter's test backup (doc/limitations.rst)."""
    if not gcs.has_bucket(stack.settings['backup_gcs_bucket']):
        module_volumes.backup(module_volumes.create('walkthrough-first-backup', 'admin'),
                              'walkthrough-first-backup', user='admin')


@pytest.fixture(scope='module')
def walkthrough(stack, engine, sessions, fleet, fuel_master, tmp_path_factory, module_volumes,
                gcs):
    make_the_bucket(stack, module_volumes, gcs)
    admin = Mistral(sessions['admin'], stack, engine, set_up=False)
    admin.delete_workbook()
    admin.delete_workflows()
    admin.delete_mail_env()
    home = tmp_path_factory.mktemp('controller') / 'root'
    home.mkdir()
    operator = Walkthrough(stack, engine, fuel_master, home, sessions['admin'], fleet)
    yield operator
    # The volume the guide's restore creates.
    for workflow, execution in operator.executions:
        if workflow.endswith('restore_backup_workflow') and execution.output.get('volume_id'):
            module_volumes.adopt(execution.output['volume_id'])


def test_the_chapter_has_the_sections_and_commands_this_test_runs(chapter):
    assert list(dict.fromkeys(step.section for step in chapter)) == SECTIONS
    commands = [step for step in chapter if step.kind == 'command']
    assert len(commands) >= 30, 'the chapter lost its commands: {}'.format(commands)
    keys = [step.name if step.kind == 'file' else step.text for step in chapter]
    # Every expectation stands for a step of the guide.
    as_run = [doc_commands.fill(key, dict.fromkeys(doc_commands.placeholders(key), 'x'))
              for key in keys]
    unused = [pattern for pattern, _ in EXPECTED
              if not any(re.fullmatch(pattern, key) for key in as_run)]
    assert unused == []


def test_the_chapter_gives_the_newer_form_of_each_renamed_command(chapter):
    commands = [step.text for step in chapter if step.kind == 'command']
    assert all(any(fuel_9 in text for text in commands) for fuel_9 in NEWER_FORMS)
    guide = (REPO / 'doc' / 'mistral.rst').read_text()
    assert all('``{}``'.format(newer) in guide for newer in NEWER_FORMS.values())


@pytest.mark.parametrize('section', SECTIONS)
def test_the_chapter_section_runs_as_printed(walkthrough, chapter, section, cinder, mail, rbd,
                                             module_volumes):
    before = SECTIONS[:SECTIONS.index(section)]
    assert walkthrough.sections_passed == before, (
        'this section runs on what the sections before it leave; these did not pass: '
        '{} (run the whole module)'.format([s for s in before if s not in walkthrough.sections_passed]))
    if section == 'restore-a-backup':
        # "Restore into an existing volume" overwrites it: not a fleet volume.
        walkthrough.values['VOLUME_ID'] = module_volumes.create(
            'walkthrough-restore-target', 'admin', data_mib=0)
    walkthrough.run_section(section, [step for step in chapter if step.section == section],
                            cinder=cinder, mail=mail, rbd=rbd)
    walkthrough.sections_passed.append(section)


# ----------------------------------------------- what the guide shows, per command
def no_output(walkthrough, output, **_):
    assert not output


def workbook_list(walkthrough, output, **_):
    assert column(output, 'Name') == ([WORKBOOK_NAME] if walkthrough.workbook_created else [])


def workflow_list(walkthrough, output, **_):
    names = column(output, 'Name')
    # The guide shows Mitaka's names of Mistral's standard workflows; the
    # stack's Mistral (Zed) lists them without the 'std.' prefix.
    assert {'create_instance', 'delete_instance'} <= {name.replace('std.', '', 1)
                                                      for name in names}
    if walkthrough.workbook_created:
        assert set(WORKFLOWS) <= set(names)
        # The guide says which to run: the others are marked internal.
        others = {name for name in names if name.startswith(WORKBOOK_NAME + '.')} - set(WORKFLOWS)
        assert others and all(name.startswith(WORKBOOK_NAME + '._') for name in others), others
    else:
        assert not any(name.startswith(WORKBOOK_NAME) for name in names), names


def env_shown(walkthrough, output, **_):
    rows = table(output)
    shown = fields(output) if rows[0] == ['Field', 'Value'] else dict(zip(rows[0], rows[1]))
    assert shown == {'Name': MAIL_ENV, 'Scope': 'private'}
    assert walkthrough.values['SMTP_PASSWORD'] not in output


def workbook_created(walkthrough, output, **_):
    assert fields(output)['Name'] == WORKBOOK_NAME


def backups_ran(walkthrough, output, cinder, mail, **_):
    execution = walkthrough.follow(output)
    assert execution.state == 'SUCCESS', execution
    assert execution.output['failed'] == 0 and execution.output['skipped'] == 0, execution
    backups = {backup['id']: backup for backup in cinder.backups_of(execution.id)}
    assert sorted(entry['backup_id'] for entry in execution.volumes.values()) == sorted(backups)
    assert all(backup['status'] == 'available' for backup in backups.values())
    cinder.assert_no_snapshot_left()
    inputs = walkthrough.inputs(execution)
    if inputs.get('volumes_id_list'):
        volume_id = walkthrough.values['VOLUME_ID']
        assert set(execution.volumes) == {volume_id}
        assert execution.volumes[volume_id]['incremental'] is True
    elif inputs.get('projects_id_list'):
        project_volumes = {volume['id'] for volume in walkthrough.admin.cinder_list(
            '/volumes', 'volumes', all_tenants=1, project_id=walkthrough.values['PROJECT_ID'])}
        assert set(execution.volumes) == project_volumes
    else:
        every_volume = {volume['id'] for volume in walkthrough.admin.cinder_list(
            '/volumes', 'volumes', all_tenants=1)}
        assert set(execution.volumes) == every_volume
    if inputs.get('report_to_list'):
        report = mail.report(execution.id)
        assert report['To'] == REPORT_TO
        assert 'success' in report['Subject']
        assert walkthrough.values['SMTP_PASSWORD'] not in mail.text(report)
    else:
        assert mail.about(execution.id) == []


def rotation_ran(walkthrough, output, cinder, **_):
    """What the rotation lists is what it did (the other tests' backups are
    there too: some volumes may have more than seven)."""
    before = {backup['id'] for backup in cinder.backups()}
    execution = walkthrough.follow(output)
    assert execution.state == 'SUCCESS', execution
    after = {backup['id'] for backup in cinder.backups()}
    listed = {entry['backup_id']: entry['outcome'] for entry in execution.output['backups']}
    if execution.output['dry_run']:
        assert after == before
        assert set(listed.values()) <= {'would_delete'}
    else:
        assert before - after == set(listed)
        assert set(listed.values()) <= {'deleted'}


def restore_ran(walkthrough, output, cinder, rbd, **_):
    execution = walkthrough.follow(output)
    assert execution.state == 'SUCCESS', execution
    volume = cinder.volume(execution.output['volume_id'])
    assert volume['status'] == 'available'
    if walkthrough.inputs(execution)['name']:
        assert volume['name'] == 'restored-volume'
    else:
        assert volume['id'] == walkthrough.values['VOLUME_ID']
    # The backup is of the fleet volume the chapter backed up by ID.
    assert rbd.sha256(volume['id']) == rbd.sha256(walkthrough.fleet.a1)


def execution_shown(walkthrough, output, **_):
    shown = fields(output)
    assert shown['ID'] == walkthrough.last_execution().id
    assert shown['Workflow name'] == WORKFLOWS[0]
    assert shown['State'] == 'SUCCESS'


def tasks_listed(walkthrough, output, **_):
    rows = dict(zip(column(output, 'Name'), column(output, 'State')))
    assert rows['back_up_volumes'] == 'SUCCESS'
    assert rows['send_backup_report'] == 'SUCCESS'


def task_shown(walkthrough, output, **_):
    shown = fields(output)
    assert shown['Name'] == 'back_up_volumes' and shown['State'] == 'SUCCESS'


def output_shown(walkthrough, output, **_):
    assert json.loads(output) == walkthrough.last_execution().output


def published_shown(walkthrough, output, **_):
    """The groups an ERROR run has no output for: the same as the output's."""
    assert json.loads(output) == {'outcomes': walkthrough.last_execution().output['outcomes']}


def records_shown(walkthrough, output, **_):
    """Each volume's record, a JSON list per worker: those the run's
    _back_up_volume_workflow executions give."""
    decoder, records, at = json.JSONDecoder(), [], 0
    while output[at:].strip():
        at += len(output[at:]) - len(output[at:].lstrip())
        worker, at = decoder.raw_decode(output, at)
        records += worker
    execution = walkthrough.last_execution()
    assert len(records) == len(execution.volumes) > 0
    assert {record['volume_id']: record for record in records} == execution.volumes


def backups_listed(walkthrough, output, **_):
    """The run's backups, available, their description ending with its ID."""
    execution = walkthrough.last_execution()
    statuses = dict(zip(column(output, 'ID'), column(output, 'Status')))
    descriptions = dict(zip(column(output, 'ID'), column(output, 'Description')))
    for entry in execution.volumes.values():
        assert statuses[entry['backup_id']] == 'available'
        assert descriptions[entry['backup_id']].endswith(', execution ' + execution.id)


def trigger_created(walkthrough, output, **_):
    shown = fields(output)
    assert shown['Workflow'] in WORKFLOWS
    assert shown['Next execution time'] != ''


def triggers_listed(walkthrough, output, **_):
    assert set(column(output, 'Name')) == {
        'nightly_volume_backups', 'nightly_backup_rotation', 'nightly_project_backups'}


def trigger_deleted(walkthrough, output, **_):
    name = walkthrough.commands_run[-1].split()[-1]
    assert output.strip() == 'Request to delete cron trigger {} has been accepted.'.format(name)
    assert name not in walkthrough.shell('openstack cron trigger list -f value -c Name').split()


def workbook_deleted(walkthrough, output, **_):
    assert not Mistral(walkthrough.admin, walkthrough.stack, walkthrough.engine).has(
        WORKBOOK_NAME)


EXPECTED = [
    (r'scp .*|ssh .*|source /root/openrc', no_output),
    (r'openstack cron trigger delete \w+', trigger_deleted),
    (r'openstack workbook list', workbook_list),
    (r'openstack workflow list -c Name', workflow_list),
    (r'openstack workflow env (create|list) -c Name -c Scope.*', env_shown),
    (r'cinder_gcs_backup_mail.yaml', no_output),
    (r'openstack workbook create mistral_workbook.yaml', workbook_created),
    (r'openstack workflow execution create sample_backup_workbook.create_backups_workflow.*',
     backups_ran),
    (r'openstack workflow execution create sample_backup_workbook.rotate_backups_workflow.*',
     rotation_ran),
    (r'openstack workflow execution create sample_backup_workbook.restore_backup_workflow.*',
     restore_ran),
    (r'openstack workflow execution show \S+', execution_shown),
    (r'openstack task execution list \S+', tasks_listed),
    (r'openstack task execution show \S+', task_shown),
    (r"openstack workflow execution 'show output' \S+", output_shown),
    (r"openstack task execution 'show published' .*", published_shown),
    (r"for worker in .*'show result'.*", records_shown),
    (r'openstack (volume )?backup list --long', backups_listed),
    (r'openstack cron trigger create .*', trigger_created),
    (r'openstack cron trigger list', triggers_listed),
    (r'openstack workbook delete sample_backup_workbook', workbook_deleted),
]


def expectation(key):
    """The check of the step KEY (a command as run, or a file's name)."""
    return next((check for pattern, check in EXPECTED if re.fullmatch(pattern, key)), None)


# The placeholders the chapter's commands take from an earlier command's
# outcome (the others have their values from the start, Walkthrough.values):
# (the command that gives it, as run; the placeholder; its value).
PLACEHOLDERS = [
    (r'openstack workflow execution create .*', 'EXECUTION_ID',
     lambda walkthrough, output: walkthrough.last_execution().id),
    # The backup of <VOLUME_ID> the run of chosen volumes made.
    (r'openstack workflow execution create sample_backup_workbook.create_backups_workflow'
     r""" '\{"volumes_id_list".*""", 'BACKUP_ID',
     lambda walkthrough, output: walkthrough.last_execution().volumes[
         walkthrough.values['VOLUME_ID']]['backup_id']),
    (r'openstack task execution list \S+', 'TASK_EXECUTION_ID',
     lambda walkthrough, output: column(output, 'ID')[
         column(output, 'Name').index('back_up_volumes')]),
]