"""create_backups_workflow on the real engine: which volumes it backs up, what
it reports, how many it runs at once, and that it leaves no snapshot.

Each run is made once for the module and read by several tests. The stack's
Cinder answers pages of 3 items (osapi_max_limit), so with the fleet and the
extra volume here, 4 volumes cross two pages (and an empty third): the
paging is shown at the cost of one more volume, not four as before.
"""

import datetime
import re
import uuid

import pytest

from .volumes import VolumeMaker
from .workflows import FAST, REPORT_TO, SNAPSHOT_NAME, assert_no_secret_in, group_lines

CONCURRENCY = 2
EXTRA_IN_PROJECT_B = 1


@pytest.fixture(scope='module')
def extra_volumes(module_volumes):
    return [module_volumes.create('selection-b{}'.format(n), 'bob')
            for n in range(EXTRA_IN_PROJECT_B)]


@pytest.fixture(scope='module')
def all_run(mistral, fleet, extra_volumes):
    """Every volume of every project, as admin, with a report."""
    return mistral.run('create_backups_workflow', dict(
        FAST, report_to_list=[REPORT_TO], concurrency=CONCURRENCY))


def mistral_time(text):
    """Mistral 2.0.0's API gives microseconds, later releases none."""
    return datetime.datetime.fromisoformat(text)


def most_at_once(intervals):
    """The largest number of [start, end) intervals that overlap."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, change in events:  # an end sorts before a start at the same time
        running += change
        peak = max(peak, running)
    return peak


def test_cinder_pages_are_small_here(sessions, fleet, extra_volumes):
    """The premise of the paging test below: one request never lists them
    all (the volumes it lists, asked for here: run alone, the module has
    them too)."""
    page = sessions['admin'].cinder('GET', '/volumes', all_tenants=1, limit=1000)
    assert len(page['volumes']) == 3 and page.get('volumes_links')


@pytest.mark.zed
def test_every_volume_of_every_project_is_backed_up(all_run, fleet, extra_volumes, cinder):
    assert all_run.state == 'SUCCESS', all_run
    selected = set(fleet.ids + extra_volumes)
    assert all_run.outcomes() == {volume_id: 'backed_up' for volume_id in selected}
    assert all_run.output['backed_up'] == len(selected)
    backups = {backup['id']: backup for backup in cinder.backups_of(all_run.id)}
    assert {entry['backup_id'] for entry in all_run.volumes.values()} == set(backups)
    assert {backup['volume_id'] for backup in backups.values()} == selected
    assert all(backup['status'] == 'available' for backup in backups.values())
    # Run as admin: the backups belong to admin's project.
    admin_project = cinder.api.project_id
    assert {backup['os-backup-project-attr:project_id'] for backup in backups.values()} == {
        admin_project}
    cinder.assert_no_snapshot_left()


@pytest.mark.zed
def test_no_more_volumes_in_flight_than_concurrency(all_run, mistral):
    per_volume = [record for record, _ in mistral.tree(all_run.id)
                  if record['workflow_name'].endswith('._back_up_volume_workflow')]
    assert len(per_volume) == len(all_run.volumes)
    intervals = [(mistral_time(sub['created_at']), mistral_time(sub['updated_at']))
                 for sub in per_volume]
    # At the limit, never past it.
    assert most_at_once(intervals) == CONCURRENCY


@pytest.mark.zed
def test_success_report_counts_the_volumes_backed_up(all_run, mail, secrets):
    """Nothing for the operator to do: one line, the count; the output's
    one group names every volume."""
    report = mail.report(all_run.id)
    assert report['To'] == REPORT_TO
    assert report['Subject'].startswith('Cinder backups success')
    totals, execution, blank, *lines = mail.lines(report)
    count = len(all_run.volumes)
    assert re.fullmatch('{0} volumes: {0} backed up, 0 failed, 0 skipped; took '
                        '([0-9]+ min )?[0-9]+ s'.format(count), totals), totals
    assert execution == 'Execution {} of sample_backup_workbook.create_backups_workflow'.format(
        all_run.id) and blank == ''
    assert lines == group_lines('backed_up', 'full backup', list(all_run.volumes))
    group, = all_run.groups
    assert sorted(group.pop('volume_ids')) == sorted(all_run.volumes)
    assert group == {'outcome': 'backed_up', 'note': 'full backup', 'snapshots_left': False}
    assert_no_secret_in(mail.text(report), secrets, 'the report')


@pytest.mark.zed
def test_success_shows_no_secret(all_run, mistral, secrets):
    assert_no_secret_in(mistral.exposed_text(all_run.id), secrets, 'the execution')


def test_projects_id_list_selects_those_projects_volumes(mistral, fleet, cinder):
    run = mistral.run('create_backups_workflow', dict(FAST, projects_id_list=[fleet.project_a]))
    assert run.state == 'SUCCESS', run
    assert run.outcomes() == {fleet.a1: 'backed_up', fleet.a2: 'backed_up'}
    cinder.assert_no_snapshot_left()


@pytest.mark.zed
def malformed_inputs(fleet):
    """(entry point, inputs, the names check_input refuses): what a caller
    may well send by mistake, each with real values beside it. Where the
    addresses are valid, they are told."""
    return [
        # Before, refused only by the selection, and no one was told.
        ('create_backups_workflow', {'projects_id_list': [fleet.project_a],
                                     'volumes_id_list': [fleet.b1], 'report_to_list': [REPORT_TO]},
         ['projects_id_list', 'volumes_id_list']),
        # What `openstack volume list -f json` prints: before, distinct()
        # raised on it and Mistral 2.0.0 wrote the context, the caller's
        # token included, into the run's state_info.
        ('create_backups_workflow', {'volumes_id_list': [{'ID': fleet.b1}]},
         ['volumes_id_list']),
        ('create_backups_workflow', {'projects_id_list': [[fleet.project_a]]},
         ['projects_id_list']),
        ('create_backups_workflow', {'volumes_id_list': []}, ['volumes_id_list']),
        # Before, found only when the report was sent, after every backup.
        ('create_backups_workflow', {'volumes_id_list': [fleet.b1],
                                     'report_to_list': [REPORT_TO, 'on call']},
         ['report_to_list']),
        # Before, every volume failed at its snapshot.
        ('create_backups_workflow', {'volumes_id_list': [fleet.b1], 'snapshot_name': 'x' * 256},
         ['snapshot_name']),
        # Before, Cinder refused every backup's description with the line
        # break (Zed), and Fuel 9's MySQL cannot keep the emoji.
        ('create_backups_workflow', {'volumes_id_list': [fleet.b1], 'report_to_list': [REPORT_TO],
                                     'backup_mark': 'Nightly\nbackup',
                                     'snapshot_name': 'nightly \U0001F4BE'},
         ['backup_mark', 'snapshot_name']),
        ('rotate_backups_workflow', {'volumes_id_list': ['b\u00e4d'], 'keep_last': 0,
                                     'report_to_list': [REPORT_TO]},
         ['keep_last', 'volumes_id_list']),
        ('restore_backup_workflow', {'backup_id': {'id': fleet.b1},
                                     'report_to_list': [REPORT_TO]}, ['backup_id']),
    ]


TITLES = {'create_backups_workflow': 'Cinder backups',
          'rotate_backups_workflow': 'Cinder backup rotation',
          'restore_backup_workflow': 'Cinder backup restore'}


@pytest.mark.zed
def test_malformed_inputs_are_refused_by_name_before_anything_is_done(mistral, fleet, cinder,
                                                                      mail, secrets):
    cases = [(mistral.start(workflow, dict(FAST, **inputs)), workflow, inputs, errors)
             for workflow, inputs, errors in malformed_inputs(fleet)]
    for execution_id, workflow, inputs, errors in cases:
        run = mistral.wait(execution_id)
        assert run.state == 'ERROR', run
        assert 'refuse_invalid_input' in run.state_info, run
        assert run.published['input_errors'] == errors, workflow
        assert {task['name'] for task in mistral.tasks(run.id)} == {
            'check_input', 'report_stopped_run', 'refuse_invalid_input'}, run
        assert cinder.backups_of(run.id) == []
        if 'report_to_list' in errors or 'report_to_list' not in inputs:
            assert mail.about(run.id) == [], workflow
        else:
            report = mail.report(run.id)
            assert report['Subject'] == '{} refused: invalid {}'.format(
                TITLES[workflow], ', '.join(errors))
            assert mail.lines(report)[3:] == ['invalid input: ' + name for name in errors]
            assert_no_secret_in(mail.text(report), secrets, 'the report')
        assert_no_secret_in(mistral.exposed_text(run.id), secrets, 'the execution')
    assert cinder.snapshots_named(SNAPSHOT_NAME) == []


@pytest.mark.zed
def test_an_unknown_project_stops_the_run_and_says_so(mistral, fleet, cinder, mail, secrets):
    """Cinder lists nothing for a project it does not know: before, that was
    "success: 0 backed up". Keystone's 404 names it; nothing is done."""
    unknown = uuid.uuid4().hex
    run = mistral.run('create_backups_workflow', dict(
        FAST, projects_id_list=[fleet.project_a, unknown], report_to_list=[REPORT_TO]))
    assert run.state == 'ERROR', run
    assert 'fail_on_selection_error' in run.state_info, run
    assert cinder.backups_of(run.id) == []
    report = mail.report(run.id)
    assert report['Subject'] == 'Cinder backups failed: the volume selection failed'
    totals, _, _, line = mail.lines(report)
    assert totals.startswith('Nothing was done: the volume selection failed; took ')
    assert line == 'project {}: Keystone has no such project (404)'.format(unknown)
    assert_no_secret_in(mail.text(report), secrets, 'the report')
    assert_no_secret_in(mistral.exposed_text(run.id), secrets, 'the execution')


def test_a_listing_cinder_refuses_is_an_error_not_an_empty_list(mistral):
    """Also the marker of a page deleted in between: Cinder answers 404,
    to the request and to the same request once more."""
    for workflow, inputs in (
            ('_list_volume_ids_workflow', {'search_opts': {'all_tenants': True}}),
            ('_list_backups_workflow', {'backup_mark': 'any'})):
        run = mistral.run(workflow, dict(inputs, marker=str(uuid.uuid4())))
        assert run.state == 'SUCCESS', run
        [error] = run.output['errors']
        assert 'could not be listed: ' in error and 'could not be found' in error, error
        assert sorted((task['name'], task['state']) for task in mistral.tasks(run.id)) == [
            ('list_page', 'ERROR'), ('list_page_again', 'ERROR'),
            ('record_listing_refused', 'SUCCESS'), ('start_listing', 'SUCCESS')]


@pytest.fixture(scope='module')
def mixed_run(mistral, fleet, sessions, rbd):
    """A list of four: a plain volume, an attached one, one in error and an
    ID Cinder does not know. Its volumes go with it, before the other
    engine's tests: the volume in error would be skipped by all_run there,
    which runs after it when the module starts on Mistral 2.0.0."""
    admin = sessions['admin']
    volumes = VolumeMaker(sessions, rbd)
    attached = volumes.create('selection-in-use', 'bob')
    volumes.attach(attached)
    broken = volumes.create('selection-error', 'bob', data_mib=0)
    admin.cinder('POST', '/volumes/{}/action'.format(broken),
                 {'os-reset_status': {'status': 'error'}})
    unknown = str(uuid.uuid4())
    run = mistral.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.a1, attached, broken, unknown],
        report_to_list=[REPORT_TO]))
    run.roles = {'plain': fleet.a1, 'attached': attached, 'broken': broken,
                 'unknown': unknown}
    yield run
    volumes.delete_all()


def test_listed_volumes_each_get_their_outcome(mixed_run, cinder):
    roles = mixed_run.roles
    assert mixed_run.outcomes() == {
        roles['plain']: 'backed_up', roles['attached']: 'backed_up',
        roles['broken']: 'skipped', roles['unknown']: 'skipped'}
    assert mixed_run.volumes[roles['broken']]['note'] == 'status is error'
    assert mixed_run.volumes[roles['unknown']]['note'] == 'no longer exists'
    # A skipped volume, or one of the list that does not exist, makes the
    # run an error.
    assert mixed_run.state == 'ERROR'
    assert 'fail_on_volumes_not_backed_up' in mixed_run.state_info
    backed_up = {backup['volume_id']: backup for backup in cinder.backups_of(mixed_run.id)}
    assert set(backed_up) == {roles['plain'], roles['attached']}
    assert all(backup['status'] == 'available' for backup in backed_up.values())
    cinder.assert_no_snapshot_left()


def test_attached_volume_is_snapshotted_with_force(mixed_run, cinder):
    volume = cinder.volume(mixed_run.roles['attached'])
    assert volume['status'] == 'in-use'
    assert mixed_run.volumes[volume['id']]['outcome'] == 'backed_up'


def test_partial_report_puts_the_volumes_not_backed_up_first(mixed_run, mail, mistral,
                                                              secrets):
    report = mail.report(mixed_run.id)
    assert report['Subject'] == 'Cinder backups partial: 2 backed up, 0 failed, 2 skipped'
    totals, _, _, *lines = mail.lines(report)
    assert totals.startswith('4 volumes: 2 backed up, 0 failed, 2 skipped; took ')
    roles = mixed_run.roles
    assert lines[:4] == group_lines('skipped', 'no longer exists', [roles['unknown']]) + \
        group_lines('skipped', 'status is error', [roles['broken']])
    assert lines[4:] == group_lines('backed_up', 'full backup', [roles['plain'], roles['attached']])
    assert_no_secret_in(mail.text(report), secrets, 'the report')
    assert_no_secret_in(mistral.exposed_text(mixed_run.id), secrets, 'the execution')


def test_incremental_needs_a_full_backup_first(all_run, mistral, fleet, new_volumes, cinder,
                                               mail):
    """a1 has a full backup (all_run); a new volume has none. No report
    asked (empty list): no mail."""
    fresh = new_volumes.create('selection-never-backed-up', 'alice')
    run = mistral.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.a1, fresh], incremental=True, report_to_list=[]))
    assert run.state == 'SUCCESS', run
    assert run.volumes[fleet.a1]['incremental'] is True
    assert run.volumes[fresh]['incremental'] is False
    assert run.volumes[fresh]['note'] == (
        'full backup: no available backup to base an incremental one on')
    kinds = {backup['volume_id']: backup['is_incremental'] for backup in cinder.backups_of(run.id)}
    assert kinds == {fleet.a1: True, fresh: False}
    assert mail.about(run.id) == []
    cinder.assert_no_snapshot_left()


@pytest.fixture
def alice_workbook(alice_mistral):
    """alice's own workbook, removed afterwards: Zed's Mistral fails an
    admin's `workbook update` (HTTP 500, duplicate key) while another
    project holds a workbook of the same name."""
    yield alice_mistral
    alice_mistral.delete_workbook()


def test_member_backs_up_own_project_into_own_project(alice_workbook, fleet, sessions, mail):
    """alice, a member of project-a, runs the workflow over 'all volumes':
    Cinder shows her only project-a's, and the backups are hers."""
    run = alice_workbook.run('create_backups_workflow', dict(FAST, report_to_list=[REPORT_TO]))
    assert run.state == 'SUCCESS', run
    assert set(run.volumes) == {fleet.a1, fleet.a2}
    alice_backups = {backup['id'] for backup in sessions['alice'].cinder_list(
        '/backups', 'backups')}
    assert {entry['backup_id'] for entry in run.volumes.values()} <= alice_backups
    assert mail.report(run.id)['Subject'].startswith('Cinder backups success')


def test_member_naming_another_project_is_refused(alice_workbook, fleet, cinder, mail):
    """Cinder would ignore the project for her and back up her own project's
    volumes; Keystone does not show her bob's project (403)."""
    run = alice_workbook.run('create_backups_workflow', dict(
        FAST, projects_id_list=[fleet.project_b], report_to_list=[REPORT_TO]))
    assert run.state == 'ERROR', run
    assert 'fail_on_selection_error' in run.state_info, run
    assert cinder.backups_of(run.id) == []
    *_, line = mail.lines(mail.report(run.id))
    assert line == ('project {}: not shown to the user of this run (403): only admin names '
                    'other projects'.format(fleet.project_b))
