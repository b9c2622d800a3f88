"""Test 3 of the stack: the report's mail settings, both ways the guide gives.

Recommended: a Mistral environment (cinder_gcs_backup_mail) named at start;
the SMTP password is then in no workbook, execution, task or action state,
output or mail. The seed's way, the settings written into the workbook's
placeholders, still sends the report when no environment is given.
"""

import pytest

from .workflows import FAST, REPORT_TO, WORKBOOK, WORKBOOK_NAME, Mistral, assert_no_secret_in


@pytest.mark.zed
def test_password_from_the_environment_shows_nowhere(admin_cli, mistral, fleet, mail, secrets):
    run = mistral.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.b1], report_to_list=[REPORT_TO]))
    assert run.state == 'SUCCESS', run
    # The report went through the server's STARTTLS and login.
    report = mail.report(run.id)
    assert report['From'] == mistral.mail_settings()['from_addr']
    shown = {
        'workbook show': admin_cli.run('workbook', 'show', WORKBOOK_NAME),
        'execution show': admin_cli.run('workflow', 'execution', 'show', run.id),
        'the execution, task and action records': mistral.exposed_text(run.id),
        'the report': mail.text(report),
    }
    # Mitaka's CLI cannot reach its `workflow execution show output` (cliff
    # 2.0.0 takes the shortest matching command, `workflow execution show`):
    # there the output is read through the API only, in the records above.
    if mistral.engine != 'mitaka':
        shown['execution output show'] = admin_cli.run(
            'workflow', 'execution', 'output', 'show', run.id)
    for where, text in shown.items():
        assert_no_secret_in(text, secrets, where)


@pytest.fixture
def seed_workbook(stack, sessions, engine):
    """bob's workbook, with the mail settings written into its placeholders
    as the seed's guide has the operator edit it; deleted afterwards. (In
    its own project: Zed's Mistral fails an admin's `workbook update` while
    another project holds a workbook of the same name.)"""
    bob = Mistral(sessions['bob'], stack, engine, set_up=False)
    settings = bob.mail_settings()
    text = WORKBOOK.read_text()
    for placeholder, name in (("'<USERNAME>@<DOMAIN>'", 'from_addr'),
                              ("'<MTA_HOSTNAME_OR_IP>'", 'smtp_server'),
                              ("'<PASSWORD>'", 'smtp_password')):
        assert text.count(placeholder) == 1, placeholder
        text = text.replace(placeholder, "'{}'".format(settings[name]))
    bob.call('POST', '/workbooks', text=text)
    yield bob
    bob.delete_workbook()


def test_settings_written_in_the_workbook_still_send_the_report(seed_workbook, fleet, mail,
                                                                 secrets):
    run = seed_workbook.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.b1], report_to_list=[REPORT_TO]), env=None)
    assert run.state == 'SUCCESS', run
    report = mail.report(run.id)
    assert report['Subject'].startswith('Cinder backups success')
    # The guide warns that the workbook then holds the password; the run
    # and its mail still do not show it.
    assert_no_secret_in(seed_workbook.exposed_text(run.id), secrets, 'the execution')
    assert_no_secret_in(mail.text(report), secrets, 'the report')


@pytest.fixture
def wrong_password(mistral):
    mistral.put_mail_env(smtp_password='not-the-password')
    yield 'not-the-password'
    mistral.put_mail_env()


def test_refused_login_fails_the_run_without_showing_the_password(wrong_password, mistral,
                                                                  fleet, secrets):
    run = mistral.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.b1], report_to_list=[REPORT_TO]))
    assert run.state == 'ERROR'
    assert run.outcomes() == {fleet.b1: 'backed_up'}
    assert 'fail_on_undelivered_report' in run.state_info
    records = mistral.exposed_records(run.id)
    showing = {where for where, text in records if wrong_password in text}
    # Mistral 2.0.0 copies the failed std.email's parameters into its error,
    # which climbs to the report's sub-workflow and its task: the places
    # doc/limitations.rst names. The workbook shows it nowhere else.
    assert showing == ({'task send_mail', 'action of task send_mail',
                        'execution send_report_workflow', 'task send_backup_report'}
                       if mistral.engine == 'mitaka' else set())
    assert_no_secret_in('\n'.join(text for _, text in records), secrets, 'the execution')
