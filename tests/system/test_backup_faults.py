"""create_backups_workflow when Cinder, cinder-backup or Google fail.

Whatever fails, every selected volume is in the output with its outcome, the
run ends in ERROR unless all were backed up, the report says so, no snapshot
named by the workflow remains once Cinder has settled, and no secret shows
in what Mistral keeps of the run or in the mail.
"""

import pytest

from support.polling import wait_until

from .api import Session
from .workflows import (FAST, REPORT_TO, SNAPSHOT_NAME, Mistral, assert_no_engine_wording,
                        assert_no_secret_in, group_lines, reported_reason)

# A run that outlives its Keystone token: tokens of TOKEN_LIFETIME seconds,
# and the backup held past it by one upload request that the GCS front
# holds for UPLOAD_HELD seconds (under the driver's 60-s socket time-out).
# The backup is requested about 15 s into a run on Mistral 2.0.0, 5 s on
# Zed's.
TOKEN_LIFETIME = 40
UPLOAD_HELD = 55
HOLDING_CLONE = 'clone-held-by-test'


def run_one(mistral, volume_id, **inputs):
    return mistral.run('create_backups_workflow', dict(
        FAST, volumes_id_list=[volume_id], report_to_list=[REPORT_TO], **inputs))


def assert_failed_honestly(run, volume_id, note_part, mistral, cinder, mail, secrets,
                           snapshot_held=False):
    """The one volume failed for the reason given, and everyone can see it;
    its snapshot is gone unless SNAPSHOT_HELD (by a clone the run cannot
    remove)."""
    assert run.state == 'ERROR', run
    entry = run.volumes[volume_id]
    assert entry['outcome'] == 'failed', run
    assert note_part in entry['note'], run
    group, = run.groups
    assert group == dict(outcome='failed', note=reported_reason(entry['note']),
                         snapshots_left=snapshot_held, volume_ids=[volume_id]), run
    assert reported_reason(note_part) in group['note']
    assert_no_engine_wording(group['note'])
    report = mail.report(run.id)
    assert report['Subject'] == 'Cinder backups failed: 0 backed up, 1 failed, 0 skipped' + (
        '; 1 snapshot left' if snapshot_held else '')
    assert mail.lines(report)[3:] == group_lines(**group)
    if not snapshot_held:
        cinder.wait_backups_settled()
        cinder.assert_no_snapshot_left()
    assert_no_secret_in(mail.text(report), secrets, 'the report')
    assert_no_secret_in(mistral.exposed_text(run.id), secrets, 'the execution')


@pytest.mark.zed
def test_snapshot_refused_by_quota(mistral, fleet, sessions, cinder, mail, secrets):
    """On both engines: the mail gives Cinder's refusal without either
    engine's wording around it (TC-WB-09 evaluates that on their words)."""
    admin = sessions['admin']
    path = '/os-quota-sets/' + admin.project_id
    admin.cinder('PUT', path, {'quota_set': {'snapshots': 0}})
    try:
        run = run_one(mistral, fleet.a1)
    finally:
        admin.cinder('PUT', path, {'quota_set': {'snapshots': -1}})
    assert_failed_honestly(run, fleet.a1, 'snapshot could not be created', mistral, cinder,
                           mail, secrets)
    assert 'SnapshotLimitExceeded' in run.volumes[fleet.a1]['note'] or \
        'quota' in run.volumes[fleet.a1]['note'].lower()
    assert cinder.backups_of(run.id) == []


def test_backup_past_its_timeout(mistral, fleet, cinder, mail, secrets):
    """Four seconds per GiB: enough for the snapshot (under a second here),
    not for the backup (about ten seconds), which still holds the snapshot
    when the workflow gives up on it. The budget is seconds on the clock
    (until #15 it was a count of polls, which on 2.0.0 stretched it two to
    three times at poll_interval 1)."""
    run = run_one(mistral, fleet.a2, backup_timeout_per_gib=4)
    assert_failed_honestly(run, fleet.a2, '(timeout)', mistral, cinder, mail, secrets)
    # The backup itself went on and is reported by its ID.
    backup_id = run.volumes[fleet.a2]['backup_id']
    assert [backup['id'] for backup in cinder.backups_of(run.id)] == [backup_id]


def test_google_refuses_uploads(mistral, fleet, cinder, mail, secrets, gcs_faults, stack):
    gcs_faults.inject({'path': '^/upload/', 'status': 403})
    run = run_one(mistral, fleet.b1)
    assert_failed_honestly(run, fleet.b1, 'backup ended in status error', mistral, cinder,
                           mail, secrets)
    backup, = cinder.backups_of(run.id)
    assert backup['status'] == 'error'
    # The reason Cinder recorded reaches the report.
    assert '403' in run.volumes[fleet.b1]['note']


def test_cinder_backup_killed_mid_run(mistral, fleet, stack, cinder, mail, secrets, sessions,
                                      rbd):
    """cinder-backup dies while it reads the snapshot through its clone.
    Restarted, it resets the backup to error and has the clone deleted at
    once, while Ceph still counts the dead reader (as on a node, where the
    service restarts within seconds; the stack's OSD keeps a dead client's
    watch 60 s so that the restart always comes first). Zed's cinder-volume
    then moves the clone's image to the RBD trash, where it still holds the
    snapshot. The run deletes the snapshot again for 30 poll intervals, then names it;
    freed as the troubleshooting chapter says, the snapshot goes. On Zed's
    Mistral too with SYSTEM_TEST_ALL_ON_ZED=1 (81 s more than make test has
    for it; it passed there in make test at 196f96e, 2026-12-07): the stack's
    Cinder is the same for both engines, and test_snapshot_refused_by_quota
    keeps a failure on Zed's in make test."""
    execution_id = mistral.start('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.a1], report_to_list=[REPORT_TO]))
    clone, = wait_until("cinder-backup to read the snapshot's clone", lambda: [
        volume['id'] for volume in cinder.temporary_volumes_of(fleet.a1)
        if volume['status'] == 'backing-up' and rbd.watched(volume['id'])], 120, interval=0.5)
    stack.kill_and_restart_cinder_backup()
    run = mistral.wait(execution_id)
    snapshot, = cinder.snapshots_named(SNAPSHOT_NAME)
    assert_failed_honestly(
        run, fleet.a1, 'backup ended in status error: incomplete backup reset on manager '
        'restart; snapshot {} could not be deleted (last seen available)'.format(snapshot['id']),
        mistral, cinder, mail, secrets, snapshot_held=True)
    assert cinder.temporary_volumes_of(fleet.a1) == []

    def clone_removed_from_trash():
        outcome = rbd.remove_from_trash(clone)
        assert outcome != 'absent', 'the clone {} is not in the RBD trash'.format(clone)
        return outcome == 'removed'
    wait_until('Ceph to drop the dead reader of the trashed clone', clone_removed_from_trash,
               120, interval=5)
    sessions['admin'].cinder('DELETE', '/snapshots/' + snapshot['id'])
    cinder.assert_no_snapshot_left()
    # cinder-backup works again.
    assert run_one(mistral, fleet.a1).state == 'SUCCESS'


def test_snapshot_held_by_a_clone_is_deleted_once_the_clone_is_gone(mistral, fleet, cinder, rbd):
    """cinder-backup reads a snapshot through a clone of it, which Cinder
    deletes only after the backup's end is reported (or, after a restart of
    cinder-backup, once the backup it resumed ends). A deletion in between
    is accepted, then the volume service finds the snapshot busy and gives it
    back 'available': once in CI, the snapshot of the killed-backup test
    above stayed so. Here a clone the test makes holds the run's snapshot
    until Cinder has said it is busy; the run deletes it again and leaves
    none."""
    execution_id = mistral.start('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.a2], report_to_list=[REPORT_TO]))
    snapshot, = wait_until("the run's snapshot to be made", lambda: [
        snapshot for snapshot in cinder.snapshots_named(SNAPSHOT_NAME)
        if snapshot['status'] in ('available', 'backing-up')], 120, interval=0.5)
    rbd.clone_snapshot(fleet.a2, snapshot['id'], HOLDING_CLONE)
    try:
        wait_until('Cinder to find the snapshot busy', lambda: cinder.messages_about(
            snapshot['id']), 180)
    finally:
        rbd.remove(HOLDING_CLONE)
    run = mistral.wait(execution_id)
    assert run.state == 'SUCCESS', run
    assert run.volumes[fleet.a2]['outcome'] == 'backed_up', run
    cinder.assert_no_snapshot_left()


def test_snapshot_held_for_good_leaves_the_backup_counted(mistral, fleet, cinder, rbd, mail,
                                                          sessions):
    """A clone the run does not know of holds its snapshot to the end: the
    backup is there to restore, so the volume is backed up, with its
    backup's ID (before, 'failed', and the subject counted 0 backed up);
    its group in the report names the snapshot left, the subject says 'partial' (there
    is work left for the operator), and the run ends in ERROR for it."""
    execution_id = mistral.start('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.b1], report_to_list=[REPORT_TO]))
    snapshot, = wait_until("the run's snapshot to be made", lambda: [
        snapshot for snapshot in cinder.snapshots_named(SNAPSHOT_NAME)
        if snapshot['status'] in ('available', 'backing-up')], 120, interval=0.5)
    rbd.clone_snapshot(fleet.b1, snapshot['id'], HOLDING_CLONE)
    try:
        run = mistral.wait(execution_id)
    finally:
        rbd.remove(HOLDING_CLONE)
    assert run.state == 'ERROR' and 'fail_on_snapshots_left' in run.state_info, run
    entry = run.volumes[fleet.b1]
    assert entry['outcome'] == 'backed_up' and entry['snapshot_left'] == snapshot['id'], run
    backup, = cinder.backups_of(run.id)
    assert backup['id'] == entry['backup_id'] and backup['status'] == 'available'
    report = mail.report(run.id)
    assert report['Subject'] == (
        'Cinder backups partial: 1 backed up, 0 failed, 0 skipped; 1 snapshot left')
    assert entry['note'].startswith('snapshot {} could not be deleted'.format(snapshot['id']))
    assert mail.lines(report)[3:] == group_lines(
        'backed_up', reported_reason(entry['note']), [fleet.b1], snapshots_left=True)
    sessions['admin'].cinder('DELETE', '/snapshots/' + snapshot['id'])
    cinder.assert_no_snapshot_left()


def test_the_first_nights_bucket_race_costs_no_backup(mistral, fleet, cinder, gcs_faults):
    """What the second of two first backups into a new bucket meets: the
    GCS front answers the driver's bucket lookup with 409 once (a stand-in
    for Google's "you already own this bucket", which the stack's bucket,
    made before the tests, cannot give), and that backup ends in error. The
    run backs the volume up once more; the backup in error stays, for the
    rotation to delete."""
    gcs_faults.inject({'method': 'GET', 'path': r'^/storage/v1/b\?', 'status': 409, 'times': 1})
    run = run_one(mistral, fleet.a2)
    assert gcs_faults.answered(409) == 1, 'the fault was not met'
    assert run.state == 'SUCCESS', run
    entry = run.volumes[fleet.a2]
    assert entry['outcome'] == 'backed_up'
    backups = {backup['status']: backup for backup in cinder.backups_of(run.id)}
    assert sorted(backups) == ['available', 'error'], backups
    assert backups['available']['id'] == entry['backup_id']
    assert 'HttpError 409' in backups['error']['fail_reason']
    cinder.assert_no_snapshot_left()


def test_burst_of_errors_on_uploads(mistral, fleet, cinder, mail, secrets, gcs_faults):
    """Google answers 503 to three upload requests, then 429 to three more.

    The Google client library cannot retry an upload chunk: it sends the
    chunk again from the stream slice its first attempt already read to the
    end, so the retry announces the chunk's length and sends no byte. The
    front waits for the body, the client for an answer, until the client's
    socket times out (60 s); the backup then fails "timed out". Seen with
    googleapiclient 1.7.12 here; 1.5.5, which the plugin bundles for Mitaka,
    has the same code. backup_gcs_num_retries cannot help an upload: the
    workflow's output and report say that the backup failed. When this test
    fails because the backup succeeds, the library has been fixed: update the
    guide's troubleshooting and retry settings."""
    gcs_faults.inject({'method': 'PUT', 'path': '^/upload/', 'status': 503, 'times': 3},
                      {'method': 'PUT', 'path': '^/upload/', 'status': 429, 'times': 3})
    run = run_one(mistral, fleet.b1, backup_timeout_per_gib=120)
    assert gcs_faults.answered(503) == 1, 'the burst did not happen as expected'
    # The front saw the retry announce the chunk and send nothing.
    retried, = gcs_faults.unanswered()
    assert retried['method'] == 'PUT' and int(retried['content_length']) > 0, retried
    assert 'received 0 bytes' in retried['error'], retried
    backup, = cinder.backups_of(run.id)
    assert backup['status'] == 'error' and 'timed out' in str(backup['fail_reason']), backup
    assert_failed_honestly(run, fleet.b1, 'backup ended in status error', mistral, cinder,
                           mail, secrets)
    assert 'timed out' in run.volumes[fleet.b1]['note']


@pytest.fixture
def short_tokens(stack, sessions):
    """Keystone gives tokens of TOKEN_LIFETIME seconds for the test; the
    test's own sessions take theirs first, which outlive it."""
    for session in sessions.values():
        session.renew()
    stack.restart_keystone(TOKEN_LIFETIME)
    yield
    stack.restart_keystone()


def test_run_outliving_its_token_stops_at_the_first_refusal(
        short_tokens, mistral, stack, fleet, sessions, cinder, mail, secrets, gcs_faults):
    """Both engines make every request of a run with the token it started
    with (#15, item 5): once it expires, Cinder answers 401 to each. The
    volume's wait stops at the first refusal instead of polling for its time
    budget (600 s here) and an hour more; the report names the backup still
    running and the snapshot the run could not delete (a snapshot left is
    the price: deleting it needs a token too). On Zed's Mistral too with
    SYSTEM_TEST_ALL_ON_ZED=1 (a minute and a half more than make test has
    for it); tests/workbook checks the expressions against both engines'
    wording of the refusal."""
    gcs_faults.inject({'method': 'PUT', 'path': '^/upload/', 'delay': UPLOAD_HELD, 'times': 1})
    # Started with a token of TOKEN_LIFETIME seconds, watched with an older one.
    starter = Mistral(Session(stack, 'admin'), stack, mistral.engine)
    execution_id = starter.start('create_backups_workflow', dict(
        FAST, volumes_id_list=[fleet.a1], report_to_list=[REPORT_TO]))
    run = mistral.wait(execution_id)
    entry = run.volumes[fleet.a1]
    snapshot, = cinder.snapshots_named(SNAPSHOT_NAME)
    assert run.state == 'ERROR' and entry['outcome'] == 'failed', run
    assert entry['note'] == (
        'Cinder refused the Keystone token of this run (expired or revoked): backup {} last '
        'seen creating, snapshot {} could not be deleted'.format(entry['backup_id'],
                                                                 snapshot['id'])), run
    assert entry['snapshot_left'] == snapshot['id']
    report = mail.report(run.id)
    assert report['Subject'] == (
        'Cinder backups failed: 0 backed up, 1 failed, 0 skipped; 1 snapshot left')
    assert mail.lines(report)[3:] == group_lines(
        'failed', reported_reason(entry['note']), [fleet.a1], snapshots_left=True)
    assert_no_secret_in(mail.text(report), secrets, 'the report')
    assert_no_secret_in(mistral.exposed_text(run.id), secrets, 'the execution')
    # cinder-backup, with its own credentials, finishes the backup; the
    # snapshot is then the operator's to delete, as the guide says.
    cinder.wait_backups_settled()
    backup, = cinder.backups_of(run.id)
    assert backup['id'] == entry['backup_id'] and backup['status'] == 'available'
    sessions['admin'].cinder('DELETE', '/snapshots/' + snapshot['id'])
    cinder.assert_no_snapshot_left()
