"""The "Automate with Mistral" chapter matches the workbook, and its
commands follow the conventions that tools/doc_commands.py relies on."""

import json
import re
import shlex

import pytest
import yaml

import doc_commands
from support.project import REPO

from .helpers import WORKBOOK, rst_sections

CHAPTER = REPO / 'doc' / 'mistral.rst'
INPUTS_TABLE = re.compile(r'^\.\. list-table:: Inputs of ``(\w+)``$')
START = re.compile(r'^openstack (?:workflow execution|cron trigger) create .*?'
                   r'(?P<workbook>\w+)\.(?P<workflow>\w+)(?: (?P<input>\'.*?\'))?'
                   r'(?: |$)')


def workbook():
    return yaml.safe_load(WORKBOOK.read_text())


def workflow_inputs(workflow):
    """{input: JSON default, or 'required'} as the chapter writes them."""
    inputs = {}
    for entry in workflow.get('input') or []:
        if isinstance(entry, dict):
            (name, default), = entry.items()
            inputs[name] = '``{}``'.format(json.dumps(default))
        else:
            inputs[entry] = 'required'
    return inputs


def entry_points(book):
    """Workflows an operator starts: those no task of the workbook calls."""
    workflows = book['workflows']
    called = {str(task.get('workflow', '')).split()[0]
              for wf in workflows.values()
              for task in (wf.get('tasks') or {}).values()
              if task and task.get('workflow')}
    return sorted(name for name in workflows
                  if name not in called and
                  '{}.{}'.format(book['name'], name) not in called)


def documented_inputs():
    """{workflow: {input: default cell}} from the chapter's input tables."""
    tables, current, row = {}, None, None
    for line in CHAPTER.read_text().splitlines():
        match = INPUTS_TABLE.match(line)
        if match:
            current = tables.setdefault(match.group(1), {})
            continue
        if current is None:
            continue
        if line and not line.startswith(' '):
            current = None
        elif re.match(r'^\s+\* - ', line):
            row = [line.split('* - ', 1)[1].strip()]
        elif re.match(r'^\s+- ', line) and row is not None:
            row.append(line.split('- ', 1)[1].strip())
            if len(row) == 2 and row[0] != 'Input':
                current[row[0].strip('`')] = row[1]
    return tables


@pytest.fixture(scope='module')
def steps(built_guide):
    return doc_commands.extract((built_guide / 'mistral.html').read_text())


def started_workflows(steps):
    """(workbook, workflow, input JSON text or None) of each start."""
    for step in steps:
        match = START.match(step.text) if step.kind == 'command' else None
        if match:
            yield match.group('workbook'), match.group('workflow'), \
                match.group('input')


@pytest.mark.parametrize('workflow', entry_points(workbook()))
def test_workflow_inputs_are_documented_with_defaults(workflow):
    tables = documented_inputs()
    assert workflow in tables, 'no "Inputs of ``{}``" table'.format(workflow)
    # Both ways: a renamed or removed input must leave the table too.
    assert tables[workflow] == workflow_inputs(
        workbook()['workflows'][workflow])


def test_documented_workflows_are_started_by_operators():
    assert sorted(documented_inputs()) == entry_points(workbook())


@pytest.mark.parametrize('workflow', entry_points(workbook()))
def test_every_workflow_is_started_by_a_command(steps, workflow):
    started = {wf for _, wf, _ in started_workflows(steps)}
    assert workflow in started


def test_commands_name_the_workbook(steps):
    names = {book for book, _, _ in started_workflows(steps)}
    assert names == {workbook()['name']}


def test_command_inputs_are_documented_inputs(steps):
    tables = documented_inputs()
    for _, workflow, text in started_workflows(steps):
        if text is None:
            continue
        given = json.loads(doc_commands.fill(
            shlex.split(text)[0], dict.fromkeys(
                doc_commands.placeholders(text), 'x')))
        assert set(given) <= set(tables.get(workflow, {})), text


def test_commands_split_into_arguments_and_valid_json(steps):
    commands = [s for s in steps if s.kind == 'command']
    assert len(commands) > 20, 'the chapter lost its commands'
    for step in commands:
        values = dict.fromkeys(doc_commands.placeholders(step.text), 'x')
        for arg in shlex.split(doc_commands.fill(step.text, values)):
            if arg.startswith('{'):
                json.loads(arg)


def test_placeholders_are_explained_in_the_chapter(steps):
    explained = set(re.findall(r'<([A-Z][A-Z0-9_]*)>', rst_sections(
        CHAPTER.read_text())['Placeholders']))
    used = {name for step in steps
            for name in doc_commands.placeholders(step.text)}
    assert used <= explained


def test_operator_works_on_fuel_master_then_a_controller(steps):
    hosts = [s.host for s in steps if s.kind == 'command']
    assert hosts[0] == 'fuel-master'
    assert set(hosts) == {'fuel-master', 'controller'}
    assert hosts.index('controller') > max(
        i for i, h in enumerate(hosts) if h == 'fuel-master')


def test_mail_environment_file_is_extracted(steps):
    files = [s for s in steps if s.kind == 'file']
    assert [f.name for f in files] == ['cinder_gcs_backup_mail.yaml']
    content = yaml.safe_load(files[0].text)
    assert content['name'] == 'cinder_gcs_backup_mail'
    # The recommended set-up: the relay holds the password, Mistral none.
    assert sorted(content['variables']) == ['from_addr', 'smtp_server']
