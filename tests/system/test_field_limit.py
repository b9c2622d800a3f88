"""create_backups_workflow on Mistral 2.0.0 storing no execution field over a
small execution_field_size_limit_kb: the fields of a run grow with its
volumes by about an ID each, so a run that the workbook before them (at
BEFORE, from the repository's history) could not finish reaches its report.

The stack's Mistral 2.0.0 is started again with the small limit for the
test, then with the default. The volumes are IDs Cinder does not know: each
is "skipped: no longer exists" after one request, the cheapest outcome to
have many of (2.0.0 refuses a field from LIMIT_KB + 1 KB on: VOLUMES such
entries of the workbook before are over it). tests/workbook sizes the
fields of 10,000 volumes that all fail with long errors, as 2.0.0 counts
them.
"""

import subprocess
import uuid

import pytest

from support.project import REPO

from .workflows import FAST, REPORT_TO, WORKBOOK_NAME, group_lines

LIMIT_KB = 1
VOLUMES = 10
# The workbook whose run output held every volume's entry.
BEFORE = '8043686'
BEFORE_NAME = 'sample_backup_workbook_before_issue_33'


@pytest.fixture
def small_field_limit(stack, engine):
    stack.restart_mistral_mitaka(LIMIT_KB)
    yield
    stack.restart_mistral_mitaka()


def workbook_before(mistral):
    """The workbook at BEFORE, under a name of its own."""
    shown = subprocess.run(['git', '-C', str(REPO), 'show',
                            BEFORE + ':examples/mistral_workbook.yaml'],
                           capture_output=True, text=True)
    assert shown.returncode == 0, 'this test needs the repository\'s history: ' + shown.stderr
    text = shown.stdout.replace('\nname: {}\n'.format(WORKBOOK_NAME),
                                '\nname: {}\n'.format(BEFORE_NAME))
    if mistral.has(BEFORE_NAME):
        mistral.call('DELETE', '/workbooks/' + BEFORE_NAME)
    mistral.delete_workflows(BEFORE_NAME)
    mistral.call('POST', '/workbooks', text=text)


def test_a_run_past_the_old_fields_reaches_its_report(small_field_limit, mistral, mail):
    """The runs of both workbooks go side by side."""
    unknown = [str(uuid.uuid4()) for _ in range(VOLUMES)]
    # Five workers: two volumes each, for a shorter test.
    inputs = dict(FAST, volumes_id_list=unknown, report_to_list=[REPORT_TO], concurrency=5)
    workbook_before(mistral)
    try:
        started = mistral.start('create_backups_workflow', inputs)
        before = mistral.wait(mistral.start('create_backups_workflow', inputs,
                                            workbook=BEFORE_NAME))
        run = mistral.wait(started)
    finally:
        mistral.call('DELETE', '/workbooks/' + BEFORE_NAME)
        mistral.delete_workflows(BEFORE_NAME)
    # Ended by the workbook, for the volumes named but not backed up.
    assert run.state == 'ERROR' and 'fail_on_volumes_not_backed_up' in run.state_info, run
    assert 'exceeds the limit' not in str(run.state_info)
    assert run.groups == [dict(outcome='skipped', note='no longer exists', snapshots_left=False,
                               volume_ids=run.groups[0]['volume_ids'])]
    assert sorted(run.groups[0]['volume_ids']) == sorted(unknown)
    report = mail.report(run.id)
    assert report['Subject'] == 'Cinder backups failed: 0 backed up, 0 failed, {} skipped'.format(
        VOLUMES)
    assert mail.lines(report)[3:] == group_lines(**run.groups[0])
    # 2.0.0 refused to store the list of entries: no output, no report.
    assert before.state == 'ERROR', before
    says = 'exceeds the limit of {}KB'.format(LIMIT_KB)
    assert says in str(before.state_info) or any(
        says in str(task.get('state_info')) for task in mistral.tasks(before.id)), before
    assert mail.about(before.id) == []
