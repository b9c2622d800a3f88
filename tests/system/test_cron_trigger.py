"""A cron trigger created as the guide shows starts the backup on its own."""

import json

import pytest

from support.polling import wait_until

from .workflows import MAIL_ENV, REPORT_TO, WORKBOOK_NAME

TRIGGER = 'system_test_every_minute'


@pytest.fixture
def trigger_cli(admin_cli):
    def cli(*args):
        return admin_cli.run('cron', 'trigger', *args)
    yield cli
    listed = cli('list', '-f', 'value', '-c', 'Name').split()
    if TRIGGER in listed:
        cli('delete', TRIGGER)


def test_cron_trigger_starts_a_backup_with_the_mail_environment(mistral, fleet, trigger_cli,
                                                                 mail):
    mistral.ensure_workbook()
    workflow = WORKBOOK_NAME + '.create_backups_workflow'
    before = {execution['id'] for execution in mistral.executions_of('create_backups_workflow')}
    # The guide's command, every minute instead of nightly.
    trigger_cli('create', '--pattern', '* * * * *', TRIGGER, workflow, json.dumps({
        'volumes_id_list': [fleet.a2], 'report_to_list': [REPORT_TO], 'poll_interval': 1}),
        '--params', json.dumps({'env': MAIL_ENV}))

    def started():
        return [execution['id'] for execution in mistral.executions_of('create_backups_workflow')
                if execution['id'] not in before]
    execution_id = wait_until('the trigger to start an execution', started, 90, interval=3)[0]
    # Deleting the trigger deletes its Keystone trust, which its running
    # execution still uses: delete it only once the run is over.
    run = mistral.wait(execution_id)
    trigger_cli('delete', TRIGGER)
    for late in started():
        mistral.wait(late)
    assert run.state == 'SUCCESS', run
    assert run.outcomes() == {fleet.a2: 'backed_up'}
    assert mail.report(run.id)['To'] == REPORT_TO
