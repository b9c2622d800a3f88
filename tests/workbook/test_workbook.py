"""The sample workbook: both real Mistral parsers accept it, its YAQL
compiles, and it keeps the interface the user guide promises."""

import copy
import json
import math
import re
import textwrap

import pytest
import yaml
import yaql

from support.project import REPO

from . import field_sizes
from .backup_run import MITAKA_ACTION_ERROR, BackupRun, group, volume_entry
from .conftest import EXPRESSION, MITAKA_EXPRESSIONS_SCRIPT, WORKBOOK


def strings(node):
    """Every string (keys and values) of a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize('parser_fixture', ['current_parser', 'mitaka_parser'])
def test_parser_accepts_the_workbook(request, parser_fixture):
    result = request.getfixturevalue(parser_fixture).parse(WORKBOOK)
    assert result.returncode == 0, result.stdout + result.stderr
    for workflow in ('create_backups_workflow', 'rotate_backups_workflow',
                     'restore_backup_workflow'):
        assert workflow in result.stdout.split()


# Keys that Mistral added after 2.0.0: Fuel 9's Mistral refuses a workbook
# that uses them, although the current Mistral accepts it.
POST_MITAKA_TASK_KEYS = [
    pytest.param('safe-rerun', True, id='safe-rerun-added-in-newton'),
    pytest.param('publish-on-error', {'failed': True},
                 id='publish-on-error-added-after-mitaka'),
]


@pytest.mark.parametrize('key,value', POST_MITAKA_TASK_KEYS)
def test_mitaka_parser_rejects_post_mitaka_task_key(
        workbook, current_parser, mitaka_parser, tmp_path, key, value):
    task = workbook['workflows']['create_backups_workflow']['tasks']['check_input']
    changed = dict(workbook)
    changed['workflows'] = dict(workbook['workflows'])
    changed['workflows']['create_backups_workflow'] = dict(
        workbook['workflows']['create_backups_workflow'],
        tasks=dict(workbook['workflows']['create_backups_workflow']['tasks'],
                   check_input=dict(task, **{key: value})))
    path = tmp_path / 'workbook.yaml'
    path.write_text(yaml.safe_dump(changed))

    assert current_parser.parse(path).returncode == 0
    rejected = mitaka_parser.parse(path)
    assert rejected.returncode == 1
    assert 'Additional properties are not allowed' in rejected.stdout
    assert key in rejected.stdout


def test_every_yaql_expression_compiles(workbook, workbook_text):
    engine = yaql.factory.YaqlFactory().create()
    expressions = [e for s in strings(workbook) for e in EXPRESSION.findall(s)]
    # Nothing hides from the check: every '<%' of the file was found.
    assert len(expressions) == workbook_text.count('<%') > 50
    for expression in expressions:
        engine(expression.strip())


def mitaka_expression_check(mitaka_parser, path):
    result = mitaka_parser.run_script(MITAKA_EXPRESSIONS_SCRIPT, path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_expression_is_one_mistral_2_0_0_can_evaluate(mitaka_parser, workbook_text):
    """Fuel 9's evaluator: yaql 1.1.0 and Mistral 2.0.0's own functions."""
    checked = mitaka_expression_check(mitaka_parser, WORKBOOK)
    assert checked['expressions'] == workbook_text.count('<%')
    assert checked['syntax_errors'] == []
    assert checked['unknown_functions'] == {}


@pytest.mark.parametrize('expression,function', [
    pytest.param('uuid()', 'uuid', id='uuid-added-in-newton'),
    pytest.param('json_dump($.volumes)', 'json_dump', id='json_dump-added-after-mitaka'),
    pytest.param('$.volumes.select(tasks($.id))', 'tasks', id='tasks-added-after-mitaka'),
])
def test_a_function_mistral_2_0_0_lacks_is_found(mitaka_parser, workbook, tmp_path,
                                                 expression, function):
    changed = copy.deepcopy(workbook)
    task = changed['workflows']['create_backups_workflow']['tasks']['check_input']
    task.setdefault('publish', {})['added'] = '<% {} %>'.format(expression)
    path = tmp_path / 'workbook.yaml'
    path.write_text(yaml.safe_dump(changed))

    checked = mitaka_expression_check(mitaka_parser, path)
    assert list(checked['unknown_functions']) == [function]


def test_no_jinja_anywhere(workbook_text):
    for marker in ('{{', '}}', '{%', '%}'):
        assert marker not in workbook_text.replace('<%', '').replace('%>', '')


def inputs(workbook, workflow):
    """A workflow's inputs in order, as (name, default) pairs."""
    result = []
    for item in workbook['workflows'][workflow]['input']:
        if isinstance(item, dict):
            result.extend(item.items())
        else:
            result.append((item, 'REQUIRED'))
    return result


def test_workbook_is_named_as_the_user_guide_says(workbook):
    assert workbook['version'] == '2.0'
    assert workbook['name'] == 'sample_backup_workbook'


# What the backups made before backup_mark existed begin with.
MARK = 'Backup by sample_backup_workbook.create_backups_workflow'


@pytest.mark.parametrize('workflow,expected', [
    pytest.param('create_backups_workflow', [
        ('projects_id_list', None), ('volumes_id_list', None),
        ('incremental', False), ('report_to_list', None),
        ('snapshot_name', 'by_create_backups_workflow'),
        ('concurrency', 2), ('backup_timeout_per_gib', 600),
        ('poll_interval', 10), ('backup_mark', MARK)], id='create-seed-inputs-first-then-extras'),
    pytest.param('rotate_backups_workflow', [
        ('keep_last', None), ('max_age_days', None),
        ('volumes_id_list', None), ('projects_id_list', None),
        ('dry_run', False), ('report_to_list', None),
        ('concurrency', 2), ('delete_timeout', 600), ('poll_interval', 10),
        ('backup_mark', MARK)], id='rotate-no-limit-by-default-and-not-dry'),
    pytest.param('restore_backup_workflow', [
        ('backup_id', 'REQUIRED'), ('volume_id', None), ('name', None),
        ('restore_timeout_per_gib', 600), ('poll_interval', 10),
        ('report_to_list', None)], id='restore-backup-id-required'),
])
def test_workflow_inputs_and_defaults(workbook, workflow, expected):
    assert inputs(workbook, workflow) == expected


ENTRY_POINTS = ['create_backups_workflow', 'rotate_backups_workflow', 'restore_backup_workflow']


def test_only_the_entry_points_are_unmarked(workbook):
    """`openstack workflow list` shows every workflow of the workbook: the
    ones an operator runs are the unmarked ones, and each internal one says
    which to run instead (as TripleO's workbooks do)."""
    workflows = workbook['workflows']
    assert [name for name in workflows if not name.startswith('_')] == ENTRY_POINTS
    for name, spec in workflows.items():
        if name.startswith('_'):
            description = spec['description']
            assert description.startswith('Internal: '), name
            assert any(entry in description for entry in ENTRY_POINTS), name


# Each workflow's normal path, in the order it runs: the file lists these
# tasks first, in this order, each reached from the one before.
NORMAL_PATHS = {
    'create_backups_workflow': ['check_input', 'select_volumes', 'back_up_volumes',
                                'summarize_backups', 'find_volumes_lost_to_bucket_race',
                                'record_outcomes', 'count_outcomes', 'send_backup_report'],
    '_back_up_volume_workflow': ['get_volume', 'find_parent_backup', 'create_snapshot',
                                 'wait_for_snapshot', 'create_backup', 'wait_for_backup',
                                 'delete_snapshot', 'wait_for_snapshot_deletion',
                                 'record_snapshot_deletion'],
    'rotate_backups_workflow': ['check_input', 'select_volumes', 'list_backups', 'plan_deletions',
                                'delete_backups', 'collect_deletions', 'count_deletions',
                                'send_rotation_report'],
    '_delete_backup_workflow': ['delete_backup', 'wait_for_deletion', 'record_deletion'],
    'restore_backup_workflow': ['check_input', 'get_backup', 'restore_backup', 'wait_for_restore',
                                'name_volume', 'record_restore', 'send_restore_report'],
}


def successors(task):
    for key in ('on-success', 'on-complete', 'on-error'):
        for branch in task.get(key, []):
            yield from (branch if isinstance(branch, dict) else {branch: None})


@pytest.mark.parametrize('workflow', sorted(NORMAL_PATHS))
def test_the_normal_path_reads_first(workbook, workbook_text, workflow):
    path = NORMAL_PATHS[workflow]
    tasks = workbook['workflows'][workflow]['tasks']
    assert list(tasks)[:len(path)] == path
    for task, following in zip(path, path[1:]):
        assert following in set(successors(tasks[task])), (task, following)
    # A comment line above each says what it is for.
    body = workbook_text[workbook_text.index('\n  {}:\n'.format(workflow)):]
    for task in path:
        above = body[:body.index('\n      {}:\n'.format(task))].rsplit('\n', 1)[-1]
        assert above.strip().startswith('#'), task


SEED_MAIL_PLACEHOLDERS = [
    "from_addr: '<USERNAME>@<DOMAIN>'",
    "smtp_server: '<MTA_HOSTNAME_OR_IP>'",
    "smtp_password: '<PASSWORD>'",
]


def test_no_publish_reads_what_its_own_task_publishes(workbook):
    """Every expression of a task's publish reads the context from before
    the task: one that reads another variable the same task publishes gets
    its old value (the bucket race's second pass never ran for it). A
    variable may read its own old value, to update it, and one published
    as it stands may be read beside it."""
    misread = [(workflow_name, task_name, name, sorted(others))
               for workflow_name, workflow in workbook['workflows'].items()
               for task_name, task in workflow['tasks'].items()
               for name, expression in (task.get('publish') or {}).items()
               for others in [set(re.findall(r'\$\.(\w+)', str(expression)))
                              & set(task['publish']) - {name}
                              - {other for other, value in task['publish'].items()
                                 if value == '<% $.{} %>'.format(other)}]
               if others]
    assert misread == []


@pytest.mark.parametrize('line', SEED_MAIL_PLACEHOLDERS)
def test_seed_mail_placeholder_can_be_edited_in_place(workbook_text, line):
    assert workbook_text.count(line) == 1


def test_mail_settings_come_from_the_environment_first(workbook):
    mail = workbook['workflows']['_send_report_workflow']['tasks']['send_mail']
    assert mail['action'] == 'std.email'
    for setting in ('from_addr', 'smtp_server'):
        assert mail['input'][setting] == (
            "<% coalesce(env(), {{}}).get('{0}', $.{0}) %>".format(setting))


@pytest.mark.parametrize('env, password', [
    pytest.param(None, 'in-the-workbook', id='no-environment-takes-the-vars'),
    pytest.param({'smtp_server': 'relay:25', 'from_addr': 'a@b'}, None,
                 id='environment-without-password-means-no-login'),
    pytest.param({'smtp_server': 'smtp:587', 'smtp_password': 'in-the-env'}, 'in-the-env',
                 id='environment-password'),
])
def test_mail_password_is_null_for_a_relay(workbook, evaluate, env, password):
    """std.email logs in (STARTTLS first) whenever its password is not
    null: an environment naming a relay without a password must give null,
    not the workbook's placeholder."""
    mail = workbook['workflows']['_send_report_workflow']['tasks']['send_mail']
    assert evaluate(mail['input']['smtp_password'], {'smtp_password': 'in-the-workbook'},
                    returns={'env': env}) == password


def workflow_defaults(workflow):
    """A workflow's inputs with their defaults (None where it has none)."""
    defaults = {}
    for entry in workflow['input']:
        defaults.update(entry if isinstance(entry, dict) else {entry: None})
    return defaults


ROTATE, CREATE = 'rotate_backups_workflow', 'create_backups_workflow'


def input_errors(workbook, evaluate, name, changes):
    """The names check_input of entry point NAME refuses, evaluated by yaql
    on the workflow's defaults with CHANGES."""
    workflow = workbook['workflows'][name]
    return evaluate(workflow['tasks']['check_input']['publish']['input_errors'],
                    dict(workflow_defaults(workflow), **changes))


RESTORE = 'restore_backup_workflow'
# A required input has no default: a valid one for the table's other rows.
REQUIRED = {RESTORE: {'backup_id': '9a1b0c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d'}}
VOLUME_ID = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9'
PROJECT_ID = '0123456789abcdef0123456789abcdef'


@pytest.mark.parametrize('name, changes, errors', [
    pytest.param(ROTATE, {}, [], id='rotate-defaults'),
    pytest.param(ROTATE, {'max_age_days': 30, 'keep_last': 7}, [], id='rotate-both-limits'),
    pytest.param(ROTATE, {'max_age_days': 1, 'keep_last': 1}, [], id='rotate-limits-of-1'),
    # A limit of 0 would keep nothing: every backup of the mark would go.
    pytest.param(ROTATE, {'keep_last': 0}, ['keep_last'], id='rotate-keep-none-refused'),
    pytest.param(ROTATE, {'max_age_days': 0}, ['max_age_days'], id='rotate-zero-days-refused'),
    # timespan(days => ...) in plan_deletions takes integers only: a
    # fraction let through here crashed the run after listing the backups.
    pytest.param(ROTATE, {'max_age_days': 0.5}, ['max_age_days'],
                 id='rotate-fractional-days-refused'),
    pytest.param(ROTATE, {'max_age_days': -1}, ['max_age_days'],
                 id='rotate-negative-days-refused'),
    # Past 100 years, now() - timespan(days => ...) overflows after the
    # listing, and Mistral 2.0.0 would write the context into state_info.
    pytest.param(ROTATE, {'max_age_days': 36500}, [], id='rotate-a-century'),
    pytest.param(ROTATE, {'max_age_days': 36501}, ['max_age_days'],
                 id='rotate-past-a-century-refused'),
    pytest.param(ROTATE, {'delete_timeout': 604801}, ['delete_timeout'],
                 id='rotate-delete-timeout-past-a-week-refused'),
    pytest.param(ROTATE, {'keep_last': '3'}, ['keep_last'], id='rotate-keep-last-as-text-refused'),
    pytest.param(ROTATE, {'keep_last': True}, ['keep_last'],
                 id='rotate-keep-last-as-true-refused'),
    pytest.param(ROTATE, {'poll_interval': 0}, ['poll_interval'],
                 id='rotate-zero-poll-interval-refused'),
    pytest.param(ROTATE, {'dry_run': 'yes'}, ['dry_run'], id='rotate-dry-run-as-text-refused'),
    pytest.param(ROTATE, {'backup_mark': 'Weekly'}, [], id='rotate-another-mark'),
    pytest.param(ROTATE, {'backup_mark': ' '}, ['backup_mark'], id='rotate-blank-mark-refused'),
    pytest.param(CREATE, {}, [], id='create-defaults'),
    pytest.param(CREATE, {'backup_mark': 'Weekly'}, [], id='create-another-mark'),
    pytest.param(CREATE, {'backup_mark': ''}, ['backup_mark'], id='create-empty-mark-refused'),
    # Cinder keeps 255 characters of a description.
    pytest.param(CREATE, {'backup_mark': 'x' * 201}, ['backup_mark'],
                 id='create-mark-too-long-refused'),
    pytest.param(CREATE, {'backup_mark': None}, ['backup_mark'], id='create-null-mark-refused'),
    pytest.param(CREATE, {'backup_mark': 'Sauvegarde de nuit — été, 夜間'}, [],
                 id='create-mark-in-any-script'),
    # Zed's Cinder refuses these in a description: every backup failed.
    pytest.param(CREATE, {'backup_mark': 'Nightly\tbackup'}, ['backup_mark'],
                 id='create-mark-with-tab-refused'),
    pytest.param(CREATE, {'backup_mark': 'Nightly\n'}, ['backup_mark'],
                 id='create-mark-ending-in-line-break-refused'),
    pytest.param(CREATE, {'backup_mark': 'Nightly\u200bbackup'}, ['backup_mark'],
                 id='create-mark-with-zero-width-space-refused'),
    # Fuel 9's MySQL keeps three bytes a character.
    pytest.param(CREATE, {'backup_mark': 'Nightly \U0001F4BE'}, ['backup_mark'],
                 id='create-mark-with-emoji-refused'),
    pytest.param(CREATE, {'backup_mark': 'Nightly \ud800'}, ['backup_mark'],
                 id='create-mark-with-lone-surrogate-refused'),
    pytest.param(CREATE, {'backup_mark': 'Nightly\u08e2'}, ['backup_mark'],
                 id='create-mark-with-arabic-format-character-refused'),
    pytest.param(CREATE, {'snapshot_name': 'nightly \U0001F4BE'}, ['snapshot_name'],
                 id='create-snapshot-name-with-emoji-refused'),
    pytest.param(CREATE, {'snapshot_name': 'nightly\x00'}, ['snapshot_name'],
                 id='create-snapshot-name-with-nul-refused'),
    pytest.param(ROTATE, {'backup_mark': 'Weekly\r\n'}, ['backup_mark'],
                 id='rotate-mark-with-line-break-refused'),
    # Cinder refuses a snapshot name over 255 characters: every volume failed.
    pytest.param(CREATE, {'snapshot_name': 'x' * 256}, ['snapshot_name'],
                 id='create-snapshot-name-too-long-refused'),
    pytest.param(CREATE, {'snapshot_name': ''}, ['snapshot_name'],
                 id='create-empty-snapshot-name-refused'),
    pytest.param(CREATE, {'snapshot_name': '  '}, ['snapshot_name'],
                 id='create-blank-snapshot-name-refused'),
    pytest.param(CREATE, {'poll_interval': 3600, 'backup_timeout_per_gib': 86400}, [],
                 id='create-longest-poll-and-timeout'),
    pytest.param(CREATE, {'poll_interval': 3601, 'backup_timeout_per_gib': 86401},
                 ['backup_timeout_per_gib', 'poll_interval'], id='create-past-the-ranges-refused'),
    pytest.param(CREATE, {'incremental': 'true'}, ['incremental'],
                 id='create-incremental-as-text-refused'),
    pytest.param(CREATE, {'concurrency': 0, 'poll_interval': 'x', 'backup_mark': 7},
                 ['backup_mark', 'concurrency', 'poll_interval'], id='create-names-every-error'),
    pytest.param(RESTORE, {}, [], id='restore-defaults'),
    pytest.param(RESTORE, {'volume_id': VOLUME_ID, 'name': 'restored'}, [],
                 id='restore-into-a-volume'),
    pytest.param(RESTORE, {'backup_id': None}, ['backup_id'], id='restore-no-backup-refused'),
    pytest.param(RESTORE, {'backup_id': '../volumes'}, ['backup_id'],
                 id='restore-path-as-backup-refused'),
    pytest.param(RESTORE, {'name': 'x' * 256}, ['name'], id='restore-name-too-long-refused'),
    pytest.param(RESTORE, {'name': 5}, ['name'], id='restore-name-as-number-refused'),
    pytest.param(RESTORE, {'name': 'restauré'}, [], id='restore-name-with-accent'),
    pytest.param(RESTORE, {'name': 'restored\x1b[0m'}, ['name'],
                 id='restore-name-with-escape-sequence-refused'),
    pytest.param(RESTORE, {'volume_id': [VOLUME_ID]}, ['volume_id'],
                 id='restore-volume-as-list-refused'),
    pytest.param(RESTORE, {'restore_timeout_per_gib': 86401}, ['restore_timeout_per_gib'],
                 id='restore-timeout-past-a-day-refused'),
])
def test_input_check(workbook, evaluate, name, changes, errors):
    changes = dict(REQUIRED.get(name, {}), **changes)
    assert input_errors(workbook, evaluate, name, changes) == errors


def test_every_entry_point_checks_ids_addresses_and_characters_alike(workbook):
    """The patterns of an ID, an address and the characters a name may not
    hold are written once per entry point (yaql has no shared definitions):
    the same text in each, so a fix to one reaches all."""
    def patterns(name):
        expression = workbook['workflows'][name]['tasks']['check_input']['publish']['input_errors']
        return expression[:expression.index('-> dict(')]
    assert patterns(ROTATE) == patterns(CREATE)
    assert patterns(RESTORE) == patterns(CREATE)
    assert 'refused =>' in patterns(CREATE)


# Values of a list of IDs, or of addresses, each entry point refuses;
# each yaql test must hold for any JSON value, or Mistral 2.0.0 writes the
# context into the run's state_info.
MALFORMED_ITEMS = [
    pytest.param([{'ID': VOLUME_ID}], id='rows-of-openstack-volume-list-f-json'),
    pytest.param([[VOLUME_ID]], id='nested-list'),
    pytest.param([None], id='null-item'),
    pytest.param([7], id='number-item'),
    pytest.param([''], id='empty-item'),
    pytest.param(['x' * 10000], id='huge-item'),
    pytest.param(['b\u00e4ckup'], id='non-ascii-item'),
    pytest.param([VOLUME_ID + '\n'], id='trailing-newline'),
    pytest.param([VOLUME_ID + ' ' + VOLUME_ID], id='two-in-one-item'),
    pytest.param(['<% env() %>'], id='expression-item'),
    pytest.param({'id': VOLUME_ID}, id='dict-not-list'),
    pytest.param(VOLUME_ID, id='string-not-list'),
]


@pytest.mark.parametrize('name', [CREATE, ROTATE])
@pytest.mark.parametrize('value', MALFORMED_ITEMS + [pytest.param([], id='empty-list')])
@pytest.mark.parametrize('selection', ['volumes_id_list', 'projects_id_list'])
def test_every_id_in_a_selection_list_is_checked(workbook, evaluate, name, value, selection):
    assert input_errors(workbook, evaluate, name, {selection: value}) == [selection]
    if isinstance(value, list) and value:
        # Among good ones, anywhere.
        assert input_errors(workbook, evaluate, name, {
            selection: [VOLUME_ID] + value + [VOLUME_ID]}) == [selection]


@pytest.mark.parametrize('name', [CREATE, ROTATE, RESTORE])
@pytest.mark.parametrize('value', MALFORMED_ITEMS + [
    pytest.param(['ops@example.com', 'bad address'], id='one-bad-among-good'),
    pytest.param(['Ops <ops@example.com>'], id='display-name-form'),
    pytest.param(['ops@example.com,dba@example.com'], id='two-in-one-item'),
    pytest.param(['ops'], id='no-domain'),
    pytest.param(['ops@example.com\n'], id='address-and-newline'),
    pytest.param(['x' * 65 + '@example.com'], id='local-part-past-64'),
])
def test_every_address_to_report_to_is_checked(workbook, evaluate, name, value):
    assert input_errors(workbook, evaluate, name, dict(REQUIRED.get(name, {}),
                                                       report_to_list=value)) == ['report_to_list']


@pytest.mark.parametrize('name', [CREATE, ROTATE, RESTORE])
def test_ids_and_addresses_as_the_guide_shows_them_pass(workbook, evaluate, name):
    changes = dict(REQUIRED.get(name, {}),
                   report_to_list=['ops@example.com', 'dba.on-call+cinder@mail.example.org',
                                   "o'brien&co=ops@example.com"])
    if name != RESTORE:
        changes['volumes_id_list'] = [VOLUME_ID, VOLUME_ID]
    assert input_errors(workbook, evaluate, name, changes) == []
    if name != RESTORE:
        del changes['volumes_id_list']
        changes['projects_id_list'] = [PROJECT_ID]
        assert input_errors(workbook, evaluate, name, changes) == []


@pytest.mark.parametrize('name', [CREATE, ROTATE])
def test_both_selection_lists_at_once_are_refused_by_name(workbook, evaluate, name):
    """Which of them was meant is the caller's to say: both are named."""
    assert input_errors(workbook, evaluate, name, {
        'volumes_id_list': [VOLUME_ID], 'projects_id_list': [PROJECT_ID]}) == [
            'projects_id_list', 'volumes_id_list']


# What Keystone answered for each project of projects_id_list, as the
# with-items task's result holds it: the project, or the error text.
KEYSTONE_ERROR_404 = ("Failed to run action [action_ex_id=1, params=...]\n "
                      "KeystoneAction.projects.get failed: <class 'keystoneauth1.exceptions.http"
                      ".NotFound'>: Could not find project: p2.")


@pytest.mark.parametrize('state_info, line', [
    pytest.param(KEYSTONE_ERROR_404, 'project p2: Keystone has no such project (404)',
                 id='unknown-project-mitaka'),
    pytest.param("The action raised an exception [msg='Could not find project: p2. (HTTP 404)']",
                 'project p2: Keystone has no such project (404)', id='unknown-project-zed'),
    pytest.param("The action raised an exception [msg='You are not authorized (HTTP 403)']",
                 'project p2: not shown to the user of this run (403): only admin names other '
                 'projects', id='another-project'),
    pytest.param('Task timed out [id=t1, timeout(s)=300].',
                 'project p2: could not be read: Task timed out [id=t1, timeout(s)=300].',
                 id='keystone-never-answered'),
])
def test_each_project_keystone_does_not_show_is_named(workbook, evaluate, state_info, line):
    record = workbook['workflows']['_list_project_volume_ids_workflow']['tasks'][
        'record_unreadable_project']['publish']
    assert evaluate(record['errors'], {'project_id': 'p2'},
                    returns={'task': {'state_info': state_info}}) == [line]
    assert record['volume_ids'] == []


def stopped_run_report(workbook, evaluate, **inputs):
    """The subject, summary, lines and addressees of
    _report_stopped_run_workflow's report for INPUTS."""
    task = workbook['workflows']['_report_stopped_run_workflow']['tasks']['send_report']
    data = dict(workflow_defaults(workbook['workflows']['_report_stopped_run_workflow']),
                title='Cinder backups', report_to_list=['ops@example.com'])
    data.update(inputs)
    return {key: evaluate(task['input'][key], data)
            for key in ('subject', 'summary', 'lines', 'to_addrs')}


def test_refused_inputs_are_reported_by_name_to_valid_addresses(workbook, evaluate):
    report = stopped_run_report(workbook, evaluate,
                                input_errors=['concurrency', 'volumes_id_list'])
    assert report == {
        'subject': 'Cinder backups refused: invalid concurrency, volumes_id_list',
        'summary': 'Nothing was done: inputs not as the guide says '
                   '(concurrency, volumes_id_list)',
        'lines': ['invalid input: concurrency', 'invalid input: volumes_id_list'],
        'to_addrs': ['ops@example.com']}
    # Refused addresses get nothing; whatever they hold, nothing raises.
    for refused in ([{'to': 'ops@example.com'}], 'ops@example.com', [None]):
        assert stopped_run_report(workbook, evaluate, report_to_list=refused,
                                  input_errors=['report_to_list'])['to_addrs'] is None


def test_a_failed_selection_is_reported_with_its_errors(workbook, evaluate):
    report = stopped_run_report(workbook, evaluate, input_errors=[],
                                failure='the volume selection failed',
                                errors=['project p2 could not be read: (HTTP 404)'])
    assert report == {
        'subject': 'Cinder backups failed: the volume selection failed',
        'summary': 'Nothing was done: the volume selection failed',
        'lines': ['project p2 could not be read: (HTTP 404)'],
        'to_addrs': ['ops@example.com']}


def values_of(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from values_of(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from values_of(item, key)


def test_no_password_is_written_in_the_workbook(workbook):
    passwords = list(values_of(workbook, 'smtp_password'))
    assert passwords
    for value in passwords:
        assert value == '<PASSWORD>' or 'env()' in value



def backup(number, day, incremental, volume='vol-1', status='available'):
    return {'id': 'b{}'.format(number), 'volume_id': volume,
            'incremental': incremental, 'status': status,
            'created_at': '2016-09-{:02d}T13:59:10.000000'.format(day)}


def plan(volume_id, backup_ids, kept, kept_for_chains=0, newest_past_max_age=False,
         error_backup_ids=()):
    """One volume's entry in rotate_backups_workflow's plans."""
    return {'volume_id': volume_id, 'backup_ids': backup_ids,
            'error_backup_ids': list(error_backup_ids), 'kept': kept,
            'kept_for_chains': kept_for_chains, 'newest_past_max_age': newest_past_max_age}


LISTINGS = {'_list_volume_ids_workflow': 'volume_ids', '_list_backups_workflow': 'backups'}


@pytest.mark.parametrize('workflow', sorted(LISTINGS))
def test_a_listing_pages_in_a_loop_and_asks_a_refused_page_once_more(workbook, workflow):
    """Every page is a run of list_page in the listing's own execution, not
    a sub-workflow (Mistral 2.0.0 spends three ticks of its one-second
    scheduler on each of those); a page list_page could not read or keep
    is asked for again, the same request kept the same way, and only a
    second error is the listing's. Each way back to list_page has moved
    the marker on: no turn of the loop can repeat for ever."""
    tasks = workbook['workflows'][workflow]['tasks']
    assert not any('workflow' in task for task in tasks.values())
    assert list(tasks['start_listing']['publish']) == [LISTINGS[workflow], 'errors']
    assert set(successors(tasks['start_listing'])) == {'list_page'}
    page, again = tasks['list_page'], tasks['list_page_again']
    for task in (page, again):
        assert task['on-success'] == [{'list_page': '<% $.marker != null %>'}]
        assert list(task['publish']) == [LISTINGS[workflow], 'marker']
    assert page['on-error'] == ['list_page_again']
    assert (again['action'], again['input']) == (page['action'], page['input'])
    assert again['publish'] == {name: expression.replace('list_page', 'list_page_again')
                                for name, expression in page['publish'].items()}
    assert again['on-error'] == ['record_listing_refused']


@pytest.mark.parametrize('task_name', ['list_page', 'list_page_again'])
@pytest.mark.parametrize('engine,current_page,task_result', [
    # 2.0.0's task(list_page) may be an earlier run's page in a loop; its
    # publish has the running one's result as $.list_page.
    ('mitaka', [{'id': 'v3'}, {'id': 'v4'}], [{'id': 'v1'}, {'id': 'v2'}]),
    ('later releases', None, [{'id': 'v3'}, {'id': 'v4'}]),
])
def test_a_page_adds_the_page_just_read(workbook, evaluate, task_name, engine, current_page,
                                        task_result):
    publish = workbook['workflows']['_list_volume_ids_workflow']['tasks'][task_name]['publish']
    context = {'volume_ids': ['v1', 'v2']}
    if current_page is not None:
        context[task_name] = current_page
    listed = {name: evaluate(expression, context, returns={'task': {'result': task_result}})
              for name, expression in publish.items()}
    assert listed == {'volume_ids': ['v1', 'v2', 'v3', 'v4'], 'marker': 'v4'}


@pytest.mark.parametrize('engine,context,task_result', [
    ('mitaka', {'list_page': []}, [{'id': 'v1'}, {'id': 'v2'}]),
    ('later releases', {}, []),
])
def test_an_empty_page_ends_the_listing(workbook, evaluate, engine, context, task_result):
    publish = workbook['workflows']['_list_volume_ids_workflow']['tasks']['list_page']['publish']
    assert evaluate(publish['marker'], dict(context, volume_ids=['v1', 'v2']),
                    returns={'task': {'result': task_result}}) is None


# vol-1, oldest first: full b1 <- b2 <- b3, full b4 <- b5; vol-2: full b6.
OWN_BACKUPS = [backup(1, 1, False), backup(2, 2, True), backup(3, 3, True),
               backup(4, 4, False), backup(5, 5, True),
               backup(6, 3, False, 'vol-2')]


def test_rotation_takes_only_the_backups_made_with_its_mark(workbook, evaluate):
    """What create_backups_workflow writes as a backup's description, and
    what _list_backups_workflow keeps of a listing, evaluated by yaql: the
    available backups made with the same backup_mark, which both entry
    points default to the same text."""
    workflows = workbook['workflows']
    mark = workflow_defaults(workflows[CREATE])['backup_mark']
    assert workflow_defaults(workflows[ROTATE])['backup_mark'] == mark

    def description(backup_mark):
        expression = workflows[CREATE]['tasks']['back_up_volumes']['input']['description']
        return evaluate(expression, {'backup_mark': backup_mark},
                        returns={'execution': {'id': 'e1'}})

    listed = [
        {'id': 'own', 'description': description(mark)},
        {'id': 'own-but-error', 'description': description(mark), 'status': 'error'},
        {'id': 'own-but-creating', 'description': description(mark), 'status': 'creating'},
        {'id': 'another-mark', 'description': description('Weekly')},
        {'id': 'longer-mark', 'description': description(mark + ' weekly')},
        {'id': 'by-hand', 'description': None},
        {'id': 'quoting-the-mark', 'description': 'copy of: ' + description(mark)},
    ]
    listing = [dict({'status': 'available', 'volume_id': 'v', 'created_at': 't'}, **backup)
               for backup in listed]
    page = workflows['_list_backups_workflow']['tasks']['list_page']['publish']['backups']

    def kept(backup_mark):
        return [backup['id'] for backup in evaluate(
            page, {'backup_mark': backup_mark, 'backups': []},
            returns={'task': {'result': listing}})]

    assert description(mark) == mark + ', execution e1'
    assert kept(mark) == ['own', 'own-but-error']
    assert kept('Weekly') == ['another-mark']


# 2016-09-06 12:00 UTC: b5 is 22 hours old, b1 almost five days.
SIX_SEPTEMBER_NOON = 1473163200
# Long after: every backup is older than any limit below.
LATER = None


@pytest.mark.parametrize('keep_last,max_age_days,volume_ids,now,expected', [
    pytest.param(None, None, None, LATER, [plan('vol-1', [], 5), plan('vol-2', [], 1)],
                 id='no-limit-deletes-nothing'),
    pytest.param(1, None, None, LATER, [plan('vol-1', ['b3', 'b2', 'b1'], 2, kept_for_chains=1),
                                        plan('vol-2', [], 1)],
                 id='kept-incremental-b5-keeps-its-full-b4'),
    pytest.param(2, None, None, LATER, [plan('vol-1', ['b3', 'b2', 'b1'], 2),
                                        plan('vol-2', [], 1)],
                 id='oldest-kept-is-full-so-older-chain-goes'),
    pytest.param(3, None, None, LATER, [plan('vol-1', [], 5, kept_for_chains=2),
                                        plan('vol-2', [], 1)],
                 id='kept-b3-needs-b2-and-b1-so-nothing-goes'),
    pytest.param(None, 1, None, SIX_SEPTEMBER_NOON, [
        plan('vol-1', ['b3', 'b2', 'b1'], 2, kept_for_chains=1),
        plan('vol-2', [], 1, newest_past_max_age=True)],
                 id='age-alone-never-takes-the-newest'),
    # Backups failing for a month: age alone leaves each volume its newest
    # backup and what it depends on.
    pytest.param(None, 30, None, LATER, [
        plan('vol-1', ['b3', 'b2', 'b1'], 2, kept_for_chains=1, newest_past_max_age=True),
        plan('vol-2', [], 1, newest_past_max_age=True)],
                 id='all-past-the-age-keeps-the-newest'),
    # The week of failures: seven kept by count, whatever their age.
    pytest.param(7, 7, None, LATER, [plan('vol-1', [], 5, newest_past_max_age=True),
                                     plan('vol-2', [], 1, newest_past_max_age=True)],
                 id='the-count-keeps-what-the-age-would-take'),
    # Past keep_last 1, but b4 and b3 are younger than 3 days, and b3 needs
    # b2 and b1.
    pytest.param(1, 3, None, SIX_SEPTEMBER_NOON, [plan('vol-1', [], 5, kept_for_chains=2),
                                                  plan('vol-2', [], 1)],
                 id='the-age-keeps-what-the-count-would-take'),
    pytest.param(1, None, ['vol-1'], LATER, [
        plan('vol-1', ['b3', 'b2', 'b1'], 2, kept_for_chains=1)],
                 id='only-the-selected-volume'),
])
def test_a_backup_goes_only_when_no_limit_keeps_it(
        workbook, evaluate, keep_last, max_age_days, volume_ids, now, expected):
    """plan_deletions' expression, evaluated by yaql on backups as
    _list_backups_workflow publishes them: the limits given each keep
    backups, the newest stays whatever its age, and incremental chains stay
    restorable."""
    task = workbook['workflows']['rotate_backups_workflow']['tasks'][
        'plan_deletions']
    plans = evaluate(task['publish']['plans'], {
        'own_backups': OWN_BACKUPS, 'keep_last': keep_last,
        'max_age_days': max_age_days, 'volume_ids': volume_ids}, now=now)
    assert plans == expected


@pytest.mark.parametrize('concurrency,expected', [
    (1, [[('b3', 'v1'), ('b1', 'v1'), ('b9', 'v3')]]),
    (2, [[('b3', 'v1'), ('b1', 'v1')], [('b9', 'v3')]]),
    (5, [[('b3', 'v1'), ('b1', 'v1')], [('b9', 'v3')]]),
])
def test_the_workers_share_only_the_volumes_with_deletions(workbook, evaluate, concurrency,
                                                           expected):
    """delete_backups' items: no worker for a volume with nothing to
    delete (v2), and each volume's backups to one worker, in the plan's
    order."""
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['delete_backups']
    items = evaluate(task['with-items'].split(' in ', 1)[1], {
        'concurrency': concurrency,
        'plans': [plan('v1', ['b3', 'b1'], 2), plan('v2', [], 1), plan('v3', ['b9'], 0)]})
    assert [[(entry['backup_id'], entry['volume_id']) for entry in worker]
            for worker in items] == expected


# Listed out of volume order: vol-3, b8 in error only; vol-2: full b6,
# then b7 in error (newer); vol-4: full b9 and b10, b11 in error.
WITH_ERRORS = [backup(8, 4, True, 'vol-3', status='error'),
               backup(6, 3, False, 'vol-2'), backup(7, 4, False, 'vol-2', status='error'),
               backup(9, 1, False, 'vol-4'), backup(10, 2, False, 'vol-4'),
               backup(11, 3, False, 'vol-4', status='error')]


def test_an_incremental_made_in_the_same_second_as_its_parent_is_the_newer(workbook, evaluate):
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['plan_deletions']
    same_second = [backup(1, 1, False), backup(2, 2, False), backup(3, 2, True)]
    plans = evaluate(task['publish']['plans'], {
        'own_backups': same_second, 'keep_last': 1, 'max_age_days': None, 'volume_ids': None})
    assert plans == [plan('vol-1', ['b1'], 2, kept_for_chains=1)]


@pytest.mark.parametrize('keep_last,max_age_days,now,expected', [
    pytest.param(None, 1, LATER, [
        plan('vol-2', ['b7'], 1, newest_past_max_age=True, error_backup_ids=['b7']),
        plan('vol-3', ['b8'], 0, error_backup_ids=['b8']),
        plan('vol-4', ['b11', 'b9'], 1, newest_past_max_age=True, error_backup_ids=['b11'])],
                 id='in-error-go-first-and-never-count-as-the-newest'),
    pytest.param(None, 30, SIX_SEPTEMBER_NOON, [
        plan('vol-2', ['b7'], 1, error_backup_ids=['b7']),
        plan('vol-3', ['b8'], 0, error_backup_ids=['b8']),
        plan('vol-4', ['b11'], 2, error_backup_ids=['b11'])],
                 id='in-error-go-however-young'),
    pytest.param(1, None, LATER, [
        plan('vol-2', ['b7'], 1, error_backup_ids=['b7']),
        plan('vol-3', ['b8'], 0, error_backup_ids=['b8']),
        plan('vol-4', ['b11', 'b9'], 1, error_backup_ids=['b11'])],
                 id='in-error-go-whatever-the-count'),
    pytest.param(None, None, LATER, [plan('vol-2', [], 1), plan('vol-3', [], 0),
                                     plan('vol-4', [], 2)],
                 id='no-limit-deletes-nothing-in-error-either'),
])
def test_backups_in_error_go_with_any_limit(workbook, evaluate, keep_last, max_age_days, now,
                                            expected):
    """A backup in error holds nothing to restore and counts against the
    backup quota: a rotation deletes it, whatever its limits, and it is
    never a volume's newest backup."""
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['plan_deletions']
    plans = evaluate(task['publish']['plans'], {
        'own_backups': WITH_ERRORS, 'keep_last': keep_last, 'max_age_days': max_age_days,
        'volume_ids': None}, now=now)
    assert plans == expected


QUOTA_REFUSED = 'backup could not be created: ' + MITAKA_ACTION_ERROR.format(
    'backups.create', "{u'volume_id': u'v6', u'force': True}",
    'CinderAction.backups.create failed: quota')
REPORTED_VOLUMES = [
    volume_entry('v1', 'backed_up', 'web-1', 'p1', 10, 'b1'),
    volume_entry('v2', 'failed', note='volume could not be read: Not Found (HTTP 404)'),
    volume_entry('v3', 'backed_up', 'db-1', 'p1', 20, 'b3', incremental=True),
    volume_entry('v4', 'skipped', 'old', 'p2', 5, note='status is error'),
    volume_entry('v5', 'backed_up', '', 'p2', 1, 'b5',
                 note='full backup: no available backup to base an incremental one on'),
    volume_entry('v6', 'failed', 'db-2', None, 20, note=QUOTA_REFUSED),
    volume_entry('v7', 'backed_up', 'mail', 'p2', 2, 'b7', snapshot_left='s7',
                 note='snapshot s7 could not be deleted (last seen available)'),
    volume_entry('v8', 'backed_up', 'web-2', 'p1', 10, 'b8'),
]
# Failures first, then skipped volumes, then backed-up ones whose snapshot
# is left, each group with its volumes' IDs; then the volumes backed up,
# counted by kind. A group's note is the reason without Mistral's wording.
REPORT_LINES = [
    'failed, 1 volume: backup could not be created: CinderAction.backups.create failed: quota',
    '  v6',
    'failed, 1 volume: volume could not be read: Not Found (HTTP 404)',
    '  v2',
    'skipped, 1 volume: status is error',
    '  v4',
    'backed up, snapshot left, 1 volume: snapshot s7 could not be deleted (last seen available)',
    '  v7',
    'backed up, 2 volumes: full backup',
    'backed up, 1 volume: full backup: no available backup to base an incremental one on',
    'backed up, 1 volume: incremental backup',
]


@pytest.mark.parametrize('workers', [1, 2, 3])
def test_the_backup_report_reads_at_a_glance(workbook, evaluate, workers):
    """A line for each group: its outcome, how many volumes and why, then
    the ID of each volume that needs a look; failures at the top. However
    many workers shared the volumes."""
    run = BackupRun(workbook, evaluate, [REPORTED_VOLUMES[i::workers] for i in range(workers)])
    assert run.lines == REPORT_LINES
    assert run.subject == 'Cinder backups partial: 5 backed up, 2 failed, 1 skipped; 1 snapshot left'
    assert run.summary == '8 volumes: 5 backed up, 2 failed, 1 skipped'


def test_the_guide_shows_the_report_as_the_workbook_writes_it(workbook, evaluate):
    """The guide's example mail, from the entries it stands for."""
    guide = (REPO / 'doc' / 'mistral.rst').read_text()
    volume, project, backup = '<VOLUME_ID>', '<PROJECT_ID>', '<BACKUP_ID>'
    entries = [
        volume_entry(volume, 'backed_up', 'web-1', project, 10, backup),
        volume_entry(volume, 'failed', 'db-2', project, 20,
                     note='backup ended in status error: <FAIL_REASON>'),
        volume_entry(volume, 'backed_up', 'db-1', project, 20, backup, incremental=True),
        volume_entry(volume, 'skipped', 'old-data', project, 5, note='status is error'),
        volume_entry(volume, 'backed_up', 'db-3', project, 20, backup, incremental=True),
    ]
    run = BackupRun(workbook, evaluate, [entries[0::2], entries[1::2]], volume_ids=[volume] * 5)
    body = evaluate(workbook['workflows']['_send_report_workflow']['tasks']['write_report'][
        'publish']['body'], {
        'summary': run.summary, 'started_at': 0, 'lines': run.lines,
        'run': 'Execution 9822a1c0-bd79-4bb2-9c91-c0accf96e60e of '
               'sample_backup_workbook.create_backups_workflow'}, now=192)
    assert textwrap.indent(body, '   ') in guide


def test_a_backup_whose_snapshot_is_left_counts_as_backed_up(workbook, evaluate):
    """Before, such a volume was 'failed' and its backup's ID untold, the
    subject counting 0 backed up while the backup was there to restore.
    The snapshot left still ends the run in ERROR: it must be deleted."""
    left = volume_entry('v1', 'backed_up', backup_id='b1', snapshot_left='s1',
                        note='snapshot s1 could not be deleted (last seen available)')
    run = BackupRun(workbook, evaluate, [[left, volume_entry('v2', 'backed_up')]])
    assert (run.subject, run.end) == (
        'Cinder backups partial: 2 backed up, 0 failed, 0 skipped; 1 snapshot left',
        'fail_on_snapshots_left')
    run = BackupRun(workbook, evaluate, [[volume_entry('v2', 'backed_up')]])
    assert (run.subject, run.end) == (
        'Cinder backups success: 1 backed up, 0 failed, 0 skipped', None)
    failed = volume_entry('v3', 'failed', snapshot_left='s3', note='backup ended in status error')
    run = BackupRun(workbook, evaluate, [[left], [failed]])
    assert (run.subject, run.end) == (
        'Cinder backups partial: 1 backed up, 1 failed, 0 skipped; 2 snapshots left',
        'fail_on_volumes_not_backed_up')


def test_a_volume_deleted_after_the_listing_does_not_fail_the_run(workbook, evaluate):
    """Normal churn in a run of every volume; a volume named in
    volumes_id_list that does not exist is the caller's to hear about."""
    volumes = [volume_entry('v1', 'backed_up', backup_id='b1'),
               volume_entry('v2', 'skipped', note='no longer exists')]
    run = BackupRun(workbook, evaluate, [volumes])
    assert (run.subject, run.end) == (
        'Cinder backups success: 1 backed up, 0 failed, 1 skipped', None)
    run = BackupRun(workbook, evaluate, [volumes], volumes_id_list=['v1', 'v2'])
    assert (run.subject, run.end) == (
        'Cinder backups partial: 1 backed up, 0 failed, 1 skipped',
        'fail_on_volumes_not_backed_up')
    skipped = [volumes[0], volume_entry('v3', 'skipped', note='status is error')]
    assert BackupRun(workbook, evaluate, [skipped]).end == 'fail_on_volumes_not_backed_up'


def test_a_volume_whose_workflow_mistral_lost_counts_as_failed(workbook, evaluate):
    """Its worker leaves it out (its result is Mistral's error text); a
    worker lost whole loses all its volumes so."""
    entries = [volume_entry('v1', 'backed_up', backup_id='b1'), 'Task failed: <the context>']
    run = BackupRun(workbook, evaluate, [entries, None], volume_ids=['v1', 'v2', 'v3', 'v4'])
    assert run.outcomes == [
        group('failed', 'its _back_up_volume_workflow execution did not finish; '
              'see the task executions', ['v2', 'v3', 'v4']),
        group('backed_up', 'full backup', ['v1'])]
    assert 'context' not in json.dumps(run.fields)
    assert run.end == 'fail_on_volumes_not_backed_up'


# Zed's Mistral wraps an action's error so (seen on the stack).
ZED_ACTION_ERROR = ("The action raised an exception [action=<mistral.actions.openstack.actions."
                    "CinderAction object at 0x7f>, action_ex_id={}, msg='{}']")


def test_volumes_that_failed_for_one_reason_share_a_group(workbook, evaluate):
    """Error texts that differ only in what each volume's request carried
    (the action's parameters, Cinder's request ID, the snapshot's ID) make
    one group, on either engine's wording."""
    def refused(number, wording):
        error = ('CinderAction.backups.create failed: Maximum number of backups allowed (10) '
                 'exceeded (HTTP 413) (Request-ID: req-{}-4e5f-8a9b-0c1d2e3f4a5b)'.format(
                     '%08x-1c2d' % number))
        return 'backup could not be created: ' + (
            MITAKA_ACTION_ERROR.format('backups.create', "{u'volume_id': u'v%d'}" % number, error)
            if wording == 'mitaka' else ZED_ACTION_ERROR.format('a%d' % number, error))
    snapshot = 'snapshot {:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b did not become available (status error)'
    entries = [volume_entry('v%d' % number, 'failed', note=refused(number, wording))
               for number, wording in enumerate(['mitaka', 'zed'] * 3)]
    entries += [volume_entry('s%d' % number, 'failed', note=snapshot.format(number))
                for number in range(2)]
    run = BackupRun(workbook, evaluate, [entries[0::2], entries[1::2]])
    assert run.outcomes == [
        group('failed', 'backup could not be created: CinderAction.backups.create failed: '
              'Maximum number of backups allowed (10) exceeded (HTTP 413)',
              ['v0', 'v2', 'v4', 'v1', 'v3', 'v5']),
        group('failed', 'snapshot <ID> did not become available (status error)', ['s0', 's1'])]


def test_only_the_ten_largest_kinds_of_failure_keep_their_note(workbook, evaluate):
    """Errors that differ in more than IDs would otherwise make a group
    of each volume; the rest are named in a group of their own."""
    entries = [volume_entry('v%d-%d' % (kind, copy), 'failed', note='quota %d GiB short' % kind)
               for kind in range(14) for copy in range(1 + (kind < 10))]
    entries.append(volume_entry('w1', 'failed', note='quota 13 GiB short', snapshot_left='s1'))
    run = BackupRun(workbook, evaluate, [entries])
    other = "other errors, each in its _back_up_volume_workflow execution"
    # Mistral 2.0.0 keeps no order within the group of other errors.
    run.outcomes[0]['volume_ids'].sort()
    assert run.outcomes == [group('failed', other, ['v10-0', 'v11-0', 'v12-0', 'v13-0'])] + [
        group('failed', 'quota {} GiB short'.format(kind), ['v%d-0' % kind, 'v%d-1' % kind])
        for kind in range(10)] + [group('failed', other, ['w1'], snapshots_left=True)]
    assert run.counts['failed_count'] == 25 and run.counts['snapshots_left_count'] == 1


def test_the_rotation_report_puts_failures_first_with_their_reason(workbook, evaluate):
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['count_deletions']
    deletions = [
        {'backup_id': 'b1', 'volume_id': 'v1', 'outcome': 'deleted', 'note': None},
        {'backup_id': 'b2', 'volume_id': 'v1', 'outcome': 'failed',
         'note': 'deletion could not be confirmed:\n 503'},
        {'backup_id': 'b3', 'volume_id': 'v2', 'outcome': 'would_delete', 'note': None},
    ]
    lines = evaluate(task['publish']['report_lines'], {'deletions': deletions, 'plans': [],
                                                       'dry_run': False})
    assert lines == ['failed: deletion could not be confirmed:\n 503; backup b2 of volume v1',
                     'deleted; backup b1 of volume v1',
                     'would delete; backup b3 of volume v2']


@pytest.mark.parametrize('dry_run,volume_lines', [
    (False, []),
    (True, ['volume v1 keeps 2 (1 only because kept incremental backups depend on them), '
            'would delete 1',
            'volume v2 keeps 1, would delete 0',
            'volume v3 keeps 0, would delete 1 (1 in error)']),
])
def test_the_rotation_report_warns_of_a_stale_volume_first(workbook, evaluate, dry_run,
                                                           volume_lines):
    """A volume with no available backup, or whose newest is past
    max_age_days, has had no backup for that long: the report's first
    lines say so, whatever else the run did. Backups in error are named so.
    A dry run ends with what stays of each volume, and why."""
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['count_deletions']
    outcome = 'would_delete' if dry_run else 'deleted'
    deletions = [{'backup_id': 'b1', 'volume_id': 'v1', 'outcome': outcome, 'note': None},
                 {'backup_id': 'b9', 'volume_id': 'v3', 'outcome': outcome, 'note': None}]
    if not dry_run:
        deletions.append({'backup_id': 'b8', 'volume_id': 'v1', 'outcome': 'failed',
                          'note': 'HTTP 503'})
    lines = evaluate(task['publish']['report_lines'], {
        'deletions': deletions, 'dry_run': dry_run,
        'plans': [plan('v1', ['b1'], 2, kept_for_chains=1),
                  plan('v2', [], 1, newest_past_max_age=True),
                  plan('v3', ['b9'], 0, error_backup_ids=['b9'])]})
    done = outcome.replace('_', ' ')
    failed = [] if dry_run else ['failed: HTTP 503; backup b8 of volume v1']
    assert lines == ['volume v3 has no available backup, only backups in error',
                     'volume v2 has no backup newer than max_age_days; its newest stays',
                     *failed,
                     done + '; backup b1 of volume v1',
                     done + '; backup in error b9 of volume v3',
                     *volume_lines]


@pytest.mark.parametrize('stale_plans,ending', [
    ([], ''),
    ([plan('v2', [], 1, newest_past_max_age=True)], '; 1 volume without a recent backup'),
    ([plan('v2', [], 1, newest_past_max_age=True), plan('v3', ['b9'], 0, error_backup_ids=['b9'])],
     '; 2 volumes without a recent backup'),
])
def test_the_rotation_subject_counts_the_volumes_without_a_recent_backup(
        workbook, evaluate, stale_plans, ending):
    task = workbook['workflows']['rotate_backups_workflow']['tasks']['send_rotation_report']
    subject = evaluate(task['input']['subject'], {
        'dry_run': False, 'deleted_count': 1, 'failed_count': 0,
        'plans': [plan('v1', ['b1'], 2)] + stale_plans})
    assert subject == 'Cinder backup rotation success: 1 deleted, 0 failed' + ending


@pytest.mark.parametrize('took,says', [
    (7, 'took 7 s'), (125, 'took 2 min 5 s'), (3725, 'took 1 h 2 min')])
def test_the_report_opens_with_the_totals_and_the_run_s_duration(workbook, evaluate, took,
                                                                 says):
    task = workbook['workflows']['_send_report_workflow']['tasks']['write_report']
    body = evaluate(task['publish']['body'], {
        'summary': '6 volumes: 3 backed up, 2 failed, 1 skipped', 'started_at': 1000.0,
        'run': 'Execution e1 of sample_backup_workbook.create_backups_workflow',
        'lines': ['failed: ' + QUOTA_REFUSED, '  v6']}, now=1000.0 + took + 0.6)
    # The lines are as given, but for Mistral 2.0.0's wording of an error.
    assert body == '\n'.join([
        '6 volumes: 3 backed up, 2 failed, 1 skipped; ' + says,
        'Execution e1 of sample_backup_workbook.create_backups_workflow', '',
        'failed: backup could not be created: CinderAction.backups.create failed: quota',
        '  v6']) + '\n'


# An action's error, and how the engines word it (seen on the stack): the
# parameters and Python objects around the error Cinder gave.
RESTORE_REFUSED = "CinderAction.restores.restore failed: Invalid backup: 'b1' is\nnot available"
ACTION_ERRORS = {
    'mitaka': MITAKA_ACTION_ERROR.format('restores.restore', "{u'backup_id': u'b1'}",
                                         RESTORE_REFUSED),
    'zed': ("The action raised an exception [action=<mistral_lib.actions.base.CinderAction "
            "object at 0x7f0325f513d0>, action_ex_id=3160a06f-9722-4331-a162-3f30ce53ef93, "
            "msg='{}']".format(RESTORE_REFUSED)),
}


@pytest.mark.parametrize('engine', sorted(ACTION_ERRORS))
def test_the_mail_gives_the_error_of_an_action_not_the_engine_s_wording(workbook, evaluate,
                                                                         engine):
    """Each line one line, with the error Cinder gave, not the action's
    parameters and objects the engine words it with; the one-line summary of
    a restore too."""
    task = workbook['workflows']['_send_report_workflow']['tasks']['write_report']
    body = evaluate(task['publish']['body'], {
        'summary': 'failed: restore could not be started: {}; backup b1 -> volume None'.format(
            ACTION_ERRORS[engine]),
        'started_at': 1000.0, 'run': 'Execution e1', 'lines': []}, now=1001.0)
    assert body.splitlines()[0] == (
        "failed: restore could not be started: CinderAction.restores.restore failed: Invalid "
        "backup: 'b1' is not available; backup b1 -> volume None; took 1 s")


# Each wait, the workflow it is in, the variable its poll publishes and the
# status while Cinder is still at work. The task before each wait publishes
# its time_budget; the tests give every wait 600 s.
WAITS = {
    'wait_for_snapshot': ('_back_up_volume_workflow', 'snapshot_status', 'creating'),
    'wait_for_backup': ('_back_up_volume_workflow', 'backup_status', 'creating'),
    'wait_for_backup_end': ('_back_up_volume_workflow', 'backup_status', 'creating'),
    'wait_for_deletion': ('_delete_backup_workflow', 'backup_status', 'deleting'),
    'wait_for_snapshot_deletion': ('_back_up_volume_workflow', 'snapshot_status', 'deleting'),
    'wait_for_restore': ('restore_backup_workflow', 'volume_status', 'restoring-backup'),
}
TIME_BUDGET = 600
# What a poll's error reads when Cinder refuses the run's Keystone token
# (seen on the stack, tests/system/test_backup_faults.py): Mistral 2.0.0
# words it from cinderclient 1.6.0's exception, Zed's Mistral from its text.
TOKEN_REFUSED = {
    'mitaka': "CinderAction.backups.get failed: <class 'cinderclient.exceptions.Unauthorized'>: "
              "The request you have made requires authentication.",
    'zed': 'CinderAction.backups.get failed: The request you have made requires '
           'authentication. (HTTP 401)',
}
OTHER_ERROR = ('CinderAction.backups.get failed: The server is currently unavailable. '
               'Please try again at a later time. (HTTP 503)')
# The waits that stop at the first refusal and where their error then leads.
REFUSABLE_WAITS = {
    'wait_for_snapshot': ('_back_up_volume_workflow', 'record_snapshot_not_available'),
    'wait_for_backup': ('_back_up_volume_workflow', 'record_backup_not_available'),
    'wait_for_backup_end': ('_back_up_volume_workflow', 'delete_snapshot'),
    'wait_for_restore': ('restore_backup_workflow', 'record_restore_not_available'),
}


def polls_until(evaluate, workbook, wait, done_after, poll_interval, error_after=None,
                error=None):
    """Run WAIT's retry policy on a clock of its own: Cinder finishes
    DONE_AFTER seconds after waiting_since (None: never); from ERROR_AFTER
    seconds on, every poll fails with ERROR instead. Returns the times of
    the polls, each evaluated as the engine does: wait-before first, then
    continue-on after each poll and the delay."""
    workflow, variable, busy = WAITS[wait]
    task = workbook['workflows'][workflow]['tasks'][wait]
    retry = dict(task['retry'], **{'wait-before': task['wait-before']})
    clock = 0.0
    # task(): the state_info Mistral gives the wait, the last poll's error
    # (None after a success).
    state_info = None

    def policy(key):
        return evaluate(retry[key], data, now=clock,
                        returns={'task': {'state_info': state_info}})

    data = dict(workbook['workflows'][workflow]['vars'], time_budget=TIME_BUDGET,
                waiting_since=0.0, poll_interval=poll_interval)
    count = policy('count')
    clock = float(policy('wait-before'))
    polls = []
    while len(polls) <= count:
        polls.append(clock)
        if error_after is not None and clock >= error_after:
            state_info = error  # the poll publishes nothing
        else:
            finished = done_after is not None and clock >= done_after
            data[variable] = 'available' if finished else busy
        if not policy('continue-on'):
            return polls
        clock += policy('delay')
    return polls


def test_every_wait_polls_the_same_way(workbook):
    """One first wait, one delay and one count, written alike in every wait:
    the budget is computed before the wait, not in it."""
    tasks = [workbook['workflows'][workflow]['tasks'][wait]
             for wait, (workflow, *_) in WAITS.items()]
    assert len({task['wait-before'] for task in tasks}) == 1
    for key in ('delay', 'count'):
        assert len({task['retry'][key] for task in tasks}) == 1, key
    every_wait = {task for workflow in workbook['workflows'].values()
                  for task, spec in workflow['tasks'].items() if task.startswith('wait_for_')}
    assert every_wait == set(WAITS)


@pytest.mark.parametrize('wait', sorted(WAITS))
@pytest.mark.parametrize('done_after', [0, 1, 3, 16, 20, 95])
def test_polls_start_short_and_back_off(workbook, evaluate, wait, done_after):
    """At the default poll_interval (10 s) the first poll comes after 2 s and
    the end is seen within as long again as it took (at least 1 s, at most
    10 s later), with a poll count that grows with the logarithm of short
    waits: a 20-s backup, as the benchmark's, in 5 polls."""
    polls = polls_until(evaluate, workbook, wait, done_after, poll_interval=10)
    seen = polls[-1]
    assert polls[0] == 2
    assert done_after <= seen <= max(2, done_after + min(10, max(1, done_after))), polls
    # 2, 4, 8, then every 10 s.
    assert len(polls) <= math.ceil(math.log2(max(2, min(done_after, 10)))) + max(
        0, done_after - 8) / 10, polls


@pytest.mark.parametrize('wait', sorted(WAITS))
def test_a_wait_ends_when_its_time_budget_is_spent(workbook, evaluate, wait):
    polls = polls_until(evaluate, workbook, wait, None, poll_interval=10)
    assert 600 <= polls[-1] <= 610, polls
    assert all(b - a <= 10 for a, b in zip(polls, polls[1:])), polls


@pytest.mark.parametrize('wait', sorted(WAITS))
def test_poll_interval_1_polls_every_second(workbook, evaluate, wait):
    assert polls_until(evaluate, workbook, wait, 5, poll_interval=1) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize('wait', sorted(set(WAITS) & set(REFUSABLE_WAITS)))
@pytest.mark.parametrize('engine', sorted(TOKEN_REFUSED))
def test_a_refused_token_stops_the_polls_at_once(workbook, evaluate, wait, engine):
    """A run outlives its Keystone token (#15, item 5): the first poll Cinder
    refuses is the last, where polling on would only fail until the time
    budget (600 s) is spent."""
    polls = polls_until(evaluate, workbook, wait, None, poll_interval=10, error_after=95,
                        error=TOKEN_REFUSED[engine])
    # The first poll past 95 s is refused and is the last.
    assert polls[-2] < 95 <= polls[-1], polls


@pytest.mark.parametrize('wait', sorted(set(WAITS) & set(REFUSABLE_WAITS)))
def test_other_poll_errors_are_polled_through(workbook, evaluate, wait):
    polls = polls_until(evaluate, workbook, wait, None, poll_interval=10, error_after=95,
                        error=OTHER_ERROR)
    assert 600 <= polls[-1] <= 610, polls


def targets(evaluate, workbook, workflow, task, clause, state_info=None, **published):
    """The tasks TASK's CLAUSE (on-error, on-success) leads to, with the
    workflow's vars, PUBLISHED over them, and STATE_INFO as task()'s."""
    spec = workbook['workflows'][workflow]
    data = dict(spec['vars'], **published)
    return [target for branch in spec['tasks'][task][clause]
            for target, condition in (branch.items() if isinstance(branch, dict)
                                      else [(branch, True)])
            if condition is True or evaluate(condition, data,
                                             returns={'task': {'state_info': state_info}})]


def on_error_targets(evaluate, workbook, wait, state_info):
    """The tasks WAIT's on-error leads to when its last poll failed so."""
    workflow, _ = REFUSABLE_WAITS[wait]
    return targets(evaluate, workbook, workflow, wait, 'on-error', state_info)


@pytest.mark.parametrize('wait', sorted(REFUSABLE_WAITS))
@pytest.mark.parametrize('engine', sorted(TOKEN_REFUSED))
def test_a_refused_token_is_reported_as_such(workbook, evaluate, wait, engine):
    """The note says the token was refused, not that the wait timed out, and
    no further Cinder request is made for the volume."""
    assert on_error_targets(evaluate, workbook, wait, TOKEN_REFUSED[engine]) == [
        'record_token_refused']
    _, otherwise = REFUSABLE_WAITS[wait]
    assert on_error_targets(evaluate, workbook, wait, OTHER_ERROR) == [otherwise]
    workflow, _ = REFUSABLE_WAITS[wait]
    recorder = workbook['workflows'][workflow]['tasks']['record_token_refused']
    assert recorder['action'] == 'std.noop'
    assert 'refused the Keystone token' in recorder['publish']['note']


def test_a_timed_out_backup_is_given_an_hour_to_end(workbook):
    """The snapshot a timed-out backup reads can only be deleted once the
    backup has ended: the wait for its end starts afresh, for an hour."""
    tasks = workbook['workflows']['_back_up_volume_workflow']['tasks']
    start = tasks['give_backup_time_to_end']
    assert start['publish'] == {'waiting_since': '<% now().timestamp %>', 'time_budget': 3600}
    assert start['on-success'] == ['wait_for_backup_end']
    assert {'give_backup_time_to_end': "<% $.backup_status = 'creating' %>"} in tasks[
        'record_backup_not_available']['on-complete']


# What Cinder's 404 for a deleted snapshot or backup reads in the task's
# state_info: Mistral 2.0.0 words it from cinderclient 1.6.0's exception,
# Zed's Mistral from its text (both seen on the stack, where every backup
# run ends on it).
GONE = {
    'mitaka': "CinderAction.volume_snapshots.get failed: <class 'cinderclient.exceptions.NotFound'>: "
              "Snapshot s1 could not be found.",
    'zed': 'CinderAction.volume_snapshots.get failed: Snapshot s1 could not be found. (HTTP 404) '
           '(Request-ID: req-a7952e9d-57da-47ec-a293-df3bbc576333)',
}
SNAPSHOT_STILL_DELETING = ("CinderAction.volume_snapshots.delete failed: Invalid snapshot: Snapshot "
                           "status must be available or error and must not be part of a group. "
                           "(HTTP 400)")
BACK_UP_VOLUME = '_back_up_volume_workflow'
# The tasks that end on Cinder's 404, where it leads, where a refused token
# leads, and where any other error does.
ENDED_BY_404 = {
    'wait_for_snapshot_deletion': (BACK_UP_VOLUME, 'record_snapshot_deletion',
                                   'record_token_refused', 'record_snapshot_left'),
    'delete_busy_snapshot': (BACK_UP_VOLUME, 'record_snapshot_deletion', 'record_token_refused',
                             'record_snapshot_left'),
    'wait_for_deletion': ('_delete_backup_workflow', 'record_deletion',
                          'record_deletion_unconfirmed', 'record_deletion_unconfirmed'),
}


@pytest.mark.parametrize('task', sorted(ENDED_BY_404))
@pytest.mark.parametrize('engine', sorted(GONE))
def test_a_deletion_counts_only_once_cinder_answers_404(workbook, evaluate, task, engine):
    workflow, gone, refused, otherwise = ENDED_BY_404[task]
    assert targets(evaluate, workbook, workflow, task, 'on-error', GONE[engine]) == [gone]
    assert targets(evaluate, workbook, workflow, task, 'on-error',
                   TOKEN_REFUSED[engine]) == [refused]
    for error in (SNAPSHOT_STILL_DELETING, OTHER_ERROR):
        assert targets(evaluate, workbook, workflow, task, 'on-error', error) == [otherwise]


# Where a wait's 404 leads: what it waited for was deleted by someone else.
GONE_WHILE_WAITED = {
    'wait_for_snapshot': 'record_snapshot_gone',
    'wait_for_backup': 'record_backup_gone',
    'wait_for_backup_end': 'delete_snapshot',
    'wait_for_restore': 'record_restored_volume_gone',
}


@pytest.mark.parametrize('wait', sorted(GONE_WHILE_WAITED))
@pytest.mark.parametrize('engine', sorted(GONE))
def test_a_404_ends_a_wait_at_once_and_says_what_went(workbook, evaluate, wait, engine):
    """Before, a backup deleted out of band was polled until the time
    budget, reported as a time-out and waited for an hour more."""
    polls = polls_until(evaluate, workbook, wait, None, poll_interval=10, error_after=95,
                        error=GONE[engine])
    assert polls[-2] < 95 <= polls[-1], polls
    assert on_error_targets(evaluate, workbook, wait, GONE[engine]) == [GONE_WHILE_WAITED[wait]]


@pytest.mark.parametrize('engine', sorted(GONE))
def test_a_volume_deleted_before_its_turn_is_skipped(workbook, evaluate, engine):
    """Before, it failed the night's run: 'volume could not be read'."""
    gone = GONE[engine].replace('volume_snapshots', 'volumes').replace('Snapshot', 'Volume')
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'get_volume', 'on-error', gone) == [
        'skip_deleted_volume']
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'get_volume', 'on-error',
                   OTHER_ERROR) == ['record_volume_read_refused']
    skip = workbook['workflows'][BACK_UP_VOLUME]['tasks']['skip_deleted_volume']['publish']
    assert skip == {'outcome': 'skipped', 'note': 'no longer exists'}


@pytest.mark.parametrize('status, incremental, following', [
    ('available', False, ['create_snapshot']),
    ('in-use', False, ['create_snapshot']),
    ('in-use', True, ['find_parent_backup']),
    # Another run's backup of it (tests/mitaka_cinder: Cinder 8 would take
    # the forced snapshot and refuse only the backup).
    ('backing-up', False, ['skip_volume']),
    ('error', False, ['skip_volume']),
])
def test_only_a_volume_available_or_in_use_is_snapshotted(workbook, evaluate, status,
                                                          incremental, following):
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'get_volume', 'on-success',
                   volume_status=status, incremental=incremental) == following


# The note of a volume whose backup lost the race to create the bucket
# (the GCS driver's exception around googleapiclient's HttpError, as Cinder
# keeps it in fail_reason).
BUCKET_RACE = ('backup ended in status error: Google Cloud Storage api failure: <HttpError 409 '
               'when requesting https://storage.googleapis.com/storage/v1/b?project=p&alt=json '
               'returned "You already own this bucket. Please select another name.">')


def test_the_first_nights_bucket_race_costs_no_backup(workbook, evaluate):
    """The volumes whose backup lost the race get a second pass, whose
    groups replace them in the first ones; a run without it goes straight
    to its counts."""
    tasks = workbook['workflows']['create_backups_workflow']['tasks']
    first = [volume_entry('v1', 'backed_up', backup_id='b1'),
             volume_entry('v2', 'failed', note=BUCKET_RACE),
             volume_entry('v3', 'failed', note='backup ended in status error: HttpError 403'),
             volume_entry('v4', 'failed', note=BUCKET_RACE)]
    assert tasks['summarize_backups']['on-success'] == ['find_volumes_lost_to_bucket_race']
    run = BackupRun(workbook, evaluate, [first[:2], first[2:]], again=[
        volume_entry('v2', 'backed_up', backup_id='b2'),
        volume_entry('v4', 'failed', note='backup ended in status error: HttpError 403')])
    assert run.raced == ['v2', 'v4']
    assert run.outcomes == [
        group('failed', 'backup ended in status error: HttpError 403', ['v3', 'v4']),
        group('backed_up', 'full backup', ['v1', 'v2'])]
    finding = tasks['find_volumes_lost_to_bucket_race']
    following = [target for branch in finding['on-success']
                 for target, condition in branch.items()
                 if evaluate(condition, {'raced_volume_ids': run.raced})]
    assert following == ['back_up_raced_volumes']
    assert tasks['back_up_raced_volumes']['input']['volume_ids'] == '<% $.raced_volume_ids %>'


def test_a_raced_volume_keeps_its_first_outcome_when_no_second_one_came(workbook, evaluate):
    """Mistral lost its second try: the first try's failure stands."""
    first = [volume_entry('v1', 'failed', note=BUCKET_RACE)]
    run = BackupRun(workbook, evaluate, [first], again=[])
    assert [entry['volume_ids'] for entry in run.outcomes] == [['v1']]
    assert run.counts['failed_count'] == 1


def test_a_raced_volume_whose_snapshot_is_left_is_not_tried_again(workbook, evaluate):
    """A second try would leave a second snapshot: the report names the
    first instead."""
    first = [volume_entry('v1', 'failed', note=BUCKET_RACE + '; snapshot s1 could not be '
                          'deleted (last seen available)', snapshot_left='s1')]
    run = BackupRun(workbook, evaluate, [first])
    assert run.raced == []
    assert run.counts['snapshots_left_count'] == 1


@pytest.mark.parametrize('recorder', ['record_snapshot_left', 'record_token_refused'])
def test_a_snapshot_left_keeps_the_volumes_outcome(workbook, recorder):
    """A backup that became available stays 'backed_up'; the snapshot is
    named apart (count_outcomes gives it a line of its own)."""
    publish = workbook['workflows'][BACK_UP_VOLUME]['tasks'][recorder]['publish']
    assert 'outcome' not in publish
    assert publish['snapshot_left'] == '<% $.snapshot_id %>'


# How each engine's timeout policy words the error of a task it failed.
TIMED_OUT = {'mitaka': 'Task timed out [id=t1, timeout(s)=300].',
             'zed': 'Task timed out [timeout(s)=300].'}


def calls_outside_mistral(workbook):
    """(workflow, task name, task) of every task whose action calls a service."""
    return [(workflow, name, task) for workflow in workbook['workflows'].values()
            for name, task in workflow['tasks'].items()
            if task.get('action', 'std.noop').split()[0] not in ('std.noop', 'std.fail')]


def test_every_call_outside_mistral_has_a_timeout_past_its_own_delays(workbook, evaluate):
    """A request that never answers, or whose result Mistral 2.0.0 lost,
    fails its task after the timeout instead of holding the run for ever;
    the timeout is never shorter than what the task itself may take: its
    wait's time budget, or its retries' delays."""
    calls = calls_outside_mistral(workbook)
    assert len(calls) >= 20
    for workflow, name, task in calls:
        assert 'timeout' in task, name
        data = dict(workflow.get('vars', {}), poll_interval=10, time_budget=600,
                    projects_id_list=['p1'])

        def value(key, source=task):
            text = source[key]
            return evaluate(text, data, returns={'env': None}) if isinstance(text, str) else text
        timeout = value('timeout')
        retry = task.get('retry')
        if name == 'send_mail':
            assert timeout == 120
        elif retry is None:
            assert timeout >= 300, name
        elif 'time_budget' in str(retry.get('continue-on')):
            assert timeout >= 600 + 10 + 300, name
        else:
            # Each request its delay and a minute.
            waited = task.get('wait-before', 0) and value('wait-before')
            count = value('count', retry)
            assert timeout >= waited + count * value('delay', retry) + (count + 1) * 60, name


@pytest.mark.parametrize('engine', sorted(TIMED_OUT))
def test_a_task_past_its_timeout_is_not_asked_again(workbook, evaluate, engine):
    """Mistral 2.0.0 starts a task's clock once, not at each retry: a retry
    after the timeout would be unbounded."""
    tasks = workbook['workflows'][BACK_UP_VOLUME]['tasks']
    data = dict(workbook['workflows'][BACK_UP_VOLUME]['vars'])
    assert evaluate(tasks['delete_snapshot']['retry']['break-on'], data,
                    returns={'task': {'state_info': TIMED_OUT[engine]}}) is True
    assert evaluate(tasks['delete_snapshot']['retry']['break-on'], data,
                    returns={'task': {'state_info': SNAPSHOT_STILL_DELETING}}) is False
    assert evaluate(tasks['delete_busy_snapshot']['retry']['continue-on'], data,
                    returns={'task': {'state_info': TIMED_OUT[engine]}}) is False


def test_the_mail_server_s_time_comes_from_the_mail_environment(workbook, evaluate):
    send_mail = workbook['workflows']['_send_report_workflow']['tasks']['send_mail']
    assert evaluate(send_mail['timeout'], {}, returns={'env': {'smtp_timeout': 5}}) == 5
    assert evaluate(send_mail['timeout'], {}, returns={'env': {'smtp_server': 'relay'}}) == 120


FULL_INSTEAD = 'full backup: no available backup to base an incremental one on'


@pytest.mark.parametrize('status, incremental, use_incremental, outcome, note, following', [
    ('available', False, False, 'backed_up', None, 'delete_snapshot'),
    ('available', True, True, 'backed_up', None, 'delete_snapshot'),
    ('available', True, False, 'backed_up', FULL_INSTEAD, 'delete_snapshot'),
    ('error', True, False, 'failed', None, 'record_backup_not_available'),
    ('creating', False, False, 'failed', None, 'record_backup_not_available'),
])
def test_the_volume_is_backed_up_once_its_backup_is_available(
        workbook, evaluate, status, incremental, use_incremental, outcome, note, following):
    """wait_for_backup records the outcome itself (a task less per volume
    on Mistral 2.0.0); a full backup taken where an incremental one was
    asked says so."""
    task = workbook['workflows'][BACK_UP_VOLUME]['tasks']['wait_for_backup']
    data = dict(workbook['workflows'][BACK_UP_VOLUME]['vars'], incremental=incremental,
                use_incremental=use_incremental)
    returns = {'task': {'result': {'status': status, 'fail_reason': None}}}
    assert evaluate(task['publish']['outcome'], data, returns=returns) == outcome
    assert evaluate(task['publish']['note'], data, returns=returns) == note
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'wait_for_backup', 'on-success',
                   backup_status=status) == [following]


@pytest.mark.parametrize('status, following', [
    ('available', 'delete_busy_snapshot'),
    ('error_deleting', 'record_snapshot_left'),
])
def test_a_snapshot_given_back_after_its_deletion_is_deleted_again(workbook, evaluate, status,
                                                                    following):
    """Cinder's volume service answers a busy snapshot by making it
    'available' again; any other status it ends in is reported."""
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'wait_for_snapshot_deletion',
                   'on-success', snapshot_status=status) == [following]


@pytest.mark.parametrize('state_info, again', [
    pytest.param(None, True, id='accepted-then-given-back'),
    pytest.param(SNAPSHOT_STILL_DELETING, True, id='still-deleting'),
    pytest.param(GONE['mitaka'], False, id='gone-mitaka'),
    pytest.param(GONE['zed'], False, id='gone-zed'),
    pytest.param(TOKEN_REFUSED['mitaka'], False, id='token-refused-mitaka'),
    pytest.param(TOKEN_REFUSED['zed'], False, id='token-refused-zed'),
])
def test_a_busy_snapshot_is_deleted_again_until_cinder_answers_404(workbook, evaluate,
                                                                    state_info, again):
    """Every poll_interval, for 30 poll intervals at most, whatever Cinder
    answered, until it answers 404 or refuses the run's token; then the
    snapshot is named as left. The backup has ended by then: a clone that
    outlasts 30 polls is not Cinder's own on its way out, and the run does
    not wait for it (at the defaults, 5 minutes on the clock, however long
    each try takes the engine)."""
    task = workbook['workflows'][BACK_UP_VOLUME]['tasks']['delete_busy_snapshot']
    data = dict(workbook['workflows'][BACK_UP_VOLUME]['vars'], poll_interval=10,
                busy_since=1000.0)
    for now, within_the_bound in ((1000.0 + 30 * 10 - 1, True), (1000.0 + 30 * 10, False)):
        again_now = evaluate(task['retry']['continue-on'], data, now=now,
                             returns={'task': {'state_info': state_info}})
        assert again_now is (again and within_the_bound)
    assert task['retry']['count'] == 30
    assert evaluate(task['retry']['delay'], data) == 10
    assert evaluate(task['wait-before'], data) == 10
    assert targets(evaluate, workbook, BACK_UP_VOLUME, 'delete_busy_snapshot',
                   'on-success') == ['record_snapshot_left']


@pytest.mark.parametrize('note, expected', [
    pytest.param(None, 'snapshot s1 could not be deleted (last seen available)',
                 id='after-a-backup'),
    pytest.param('backup ended in status error',
                 'backup ended in status error; snapshot s1 could not be deleted (last seen '
                 'available)', id='after-a-failure'),
])
def test_a_snapshot_left_is_named_with_the_status_last_seen(workbook, evaluate, note, expected):
    workflow = workbook['workflows'][BACK_UP_VOLUME]
    data = dict(workflow['vars'], note=note, snapshot_id='s1', snapshot_status='available')
    assert evaluate(workflow['tasks']['record_snapshot_left']['publish']['note'], data) == expected


@pytest.fixture(scope='module')
def field_record():
    return json.loads(field_sizes.RECORD.read_text())


@pytest.mark.parametrize('count,workers', [
    run for run in field_sizes.RUNS if run[0] <= field_sizes.MITAKA_EVALUATES_UP_TO])
def test_no_field_of_a_failing_run_grows_past_mistral_s_limit(workbook, mitaka_yaql,
                                                               current_yaql, field_record,
                                                               count, workers):
    """Mistral 2.0.0 refuses to store a field (an execution's input,
    output or params, a task's published values) past
    execution_field_size_limit_kb, 1024 KB by default: the task errs, and
    the run ends without report or output. Every volume failing, each for
    its own reason, is the night the report matters most. Evaluated by
    2.0.0's yaql and sized by 2.0.0's own check, as `make field-sizes`
    records them (its 10,000-volume run takes the current yaql, which
    gives the same sizes here)."""
    sizes = field_sizes.sizes(workbook, mitaka_yaql, mitaka_yaql, count, workers)
    assert all(size['fits'] for size in sizes.values()), sizes
    recorded = field_record[field_sizes.run_key(count, workers)]
    assert max(size['bytes'] for size in sizes.values()) == recorded['largest_field_bytes'], (
        'the workbook changed its fields: run `make field-sizes`')
    if workers > 2:
        assert field_sizes.sizes(workbook, current_yaql, mitaka_yaql, count, workers) == sizes


def test_the_record_puts_a_run_of_10000_volumes_under_the_limit(field_record):
    """The fields grow by about an ID and the report's line for it per
    volume; each volume's record stays in its own execution."""
    runs = {(run['volumes'], run['workers']): run for run in field_record.values()}
    assert sorted(runs) == sorted(field_sizes.RUNS)
    assert all(run['every_field_fits_the_default_limit'] for run in runs.values())
    assert runs[10000, 20]['largest_field_bytes'] / 10000 < 50


def test_the_guide_gives_the_largest_fields(field_record):
    """Its table, and the volumes one run takes computed from it: the
    default limit (2.0.0 refuses a field from 1025 KB on) over the growth
    per volume between the two largest runs."""
    guide = ' '.join((REPO / 'doc' / 'mistral.rst').read_text().split())
    largest = {(run['volumes'], run['workers']): run['largest_field_bytes']
               for run in field_record.values()}
    for (count, workers), size in largest.items():
        assert '* - {:,} - {} - {:,}'.format(count, workers, size) in guide
    (small, _), (large, _) = sorted(largest)[-2:]
    growth = (largest[large, 20] - largest[small, 20]) / (large - small)
    assert 'some {:.0f} bytes a volume'.format(growth) in guide
    fitting = small + (1025 * 1024 - largest[small, 20]) / growth
    assert 'one run takes some {:,} volumes'.format(int(fitting) // 1000 * 1000) in guide
