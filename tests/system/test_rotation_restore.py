"""rotate_backups_workflow and restore_backup_workflow on one volume's history.

The history is one volume's backups, oldest first: F1 (full, as the workflow
makes it, made 40 days old in Cinder's database), H (full, made by hand, also
40 days old), W (full, as the workflow makes it with another backup_mark, as a
second schedule would, also 40 days old), F2 (full), I1 and I2 (incremental,
each after new data, as the workflow makes them). All but H are made through
Cinder's API with the description the workflow writes, the one thing of a
backup the rotation reads that tells who made it: a workflow run each took
half a minute of `make test` on Mistral 2.0.0. The backups the workflow
itself makes are rotated in test_count_limit_deletes_a_whole_superseded_chain
(F3) and throughout test_guide_walkthrough.py. Each test starts from the
backups it names (History.start_from):
the volume's other backups are deleted and the named ones gone are made again.
Building a history takes minutes on Mistral 2.0.0, so the module builds one and
the tests, in file order, each start from what the one before left: dry runs,
an age limit, the same with W's mark, a restore of the newest incremental, a
count limit, then a backup in error. Run alone or in another order, a test
still starts from its own state, at the cost of making the missing backups
again.
"""

import uuid

import pytest

from .workflows import FAST, REPORT_TO, workbook_default

AGED_DAYS = 40
WEEKLY_MARK = 'Weekly backup by sample_backup_workbook'


def backup_ids(run):
    return [entry['backup_id'] for entry in run.output['backups']]


class History:
    """The rotation volume's backups by name, and the clean state a test starts from."""

    AGED = ('F1', 'H', 'W')
    # An incremental backup's parent is the volume's newest backup: the chain
    # is made, and kept, whole or not at all.
    CHAIN = ('F2', 'I1', 'I2')

    def __init__(self, stack, volumes, rbd, cinder):
        self.stack, self.volumes = stack, volumes
        self.rbd, self.cinder = rbd, cinder
        self.volume = volumes.create('rotation-source', 'alice')
        self._ids = {}
        self.digest = None

    def __getitem__(self, name):
        return self._ids[name]

    def __setitem__(self, name, backup_id):
        """Name a backup a test made itself."""
        self._ids[name] = backup_id

    def _present(self):
        return [backup for backup in self.cinder.backups() if backup['volume_id'] == self.volume]

    def existing(self):
        """The names of the volume's available backups."""
        available = {backup['id'] for backup in self._present() if backup['status'] == 'available'}
        return {name for name, backup_id in self._ids.items() if backup_id in available}

    def start_from(self, *names):
        """Leave the volume with exactly the backups NAMES: delete the others
        (newest first: an incremental one's parent cannot go before it) and
        make again the named ones that are gone."""
        wanted = set(names)
        assert set(self.CHAIN) <= wanted or not set(self.CHAIN) & wanted, names
        existing = self.existing()
        keep = {self._ids[name] for name in wanted & existing}
        if not set(self.CHAIN) <= existing:
            keep -= {self._ids.get(name) for name in self.CHAIN}
        for backup in sorted(self._present(), key=lambda backup: backup['created_at'],
                             reverse=True):
            if backup['id'] not in keep:
                self.volumes.delete_backup(backup['id'])
        for name in self.AGED:
            if name in wanted and self._ids.get(name) not in keep:
                self._make_aged(name)
        if set(self.CHAIN) & wanted and self._ids.get('I2') not in keep:
            self._make_chain()
        assert self.existing() == wanted

    def _backup(self, name, description, incremental=False):
        """As admin, as the workflow runs here, with DESCRIPTION (a mark: the
        workflow's own, ', execution <ID>' after it)."""
        if description:
            description += ', execution {}'.format(uuid.uuid4())
        return self.volumes.backup(self.volume, 'history-' + name, user='admin',
                                   incremental=incremental, description=description)

    def _make_aged(self, name):
        description = {'F1': workbook_default('backup_mark'), 'W': WEEKLY_MARK}.get(name)
        backup_id = self._backup(name, description)
        self.stack.query('cinder', "UPDATE backups SET created_at = created_at - interval "
                         "'{} days' WHERE id = '{}'".format(AGED_DAYS, backup_id))
        self._ids[name] = backup_id

    def _make_chain(self):
        mark = workbook_default('backup_mark')
        self._ids['F2'] = self._backup('F2', mark)
        for name, offset in (('I1', 8), ('I2', 16)):
            self.rbd.write(self.volume, offset * 2**20, 2**20, 'rotation-' + name)
            self._ids[name] = self._backup(name, mark, incremental=True)
        backups = {backup['id']: backup for backup in self._present()}
        assert [backups[self._ids[name]]['is_incremental'] for name in self.CHAIN] == [
            False, True, True]
        self.digest = self.rbd.sha256(self.volume)


@pytest.fixture(scope='module')
def history(stack, module_volumes, rbd, cinder):
    return History(stack, module_volumes, rbd, cinder)


def rotate(mistral, history, **inputs):
    return mistral.run('rotate_backups_workflow', dict(
        FAST, volumes_id_list=[history.volume], **inputs))


def test_dry_run_lists_what_it_would_delete_and_deletes_nothing(mistral, history, mail):
    history.start_from('F1', 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, keep_last=1, dry_run=True, report_to_list=[REPORT_TO])
    assert run.state == 'SUCCESS', run
    # Past the newest one, but I2 depends on I1 and F2: only F1 can go.
    assert run.output['backups'] == [{'backup_id': history['F1'], 'volume_id': history.volume,
                                      'outcome': 'would_delete', 'note': None}]
    assert run.output['volumes'] == [{
        'volume_id': history.volume, 'backup_ids': [history['F1']], 'kept': 3,
        'kept_for_chains': 2, 'newest_past_max_age': False,
        'error_backup_ids': []}]
    assert history.existing() == {'F1', 'H', 'W', 'F2', 'I1', 'I2'}
    report = mail.report(run.id)
    assert report['Subject'].startswith('Cinder backup rotation dry run')
    totals, _, _, *lines = mail.lines(report)
    assert totals.startswith('1 backup would be deleted (dry run); took ')
    assert lines == [
        'would delete; backup {} of volume {}'.format(history['F1'], history.volume),
        'volume {} keeps 3 (2 only because kept incremental backups depend on them), '
        'would delete 1'.format(history.volume)]


def test_a_backup_within_the_count_stays_however_old(mistral, history):
    """F1 is past max_age_days but among the newest keep_last: it stays.
    (Before, either limit deleted it: backups failing for a week, then a
    rotation with both limits at 7, deleted every backup a volume had.)"""
    history.start_from('F1', 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, keep_last=7, max_age_days=30, dry_run=True)
    assert run.state == 'SUCCESS', run
    assert run.output['backups'] == []
    assert run.output['volumes'] == [{
        'volume_id': history.volume, 'backup_ids': [], 'kept': 4, 'kept_for_chains': 0,
        'newest_past_max_age': False, 'error_backup_ids': []}]


def test_age_limit_deletes_old_workflow_backups_only(mistral, history):
    history.start_from('F1', 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, max_age_days=30)
    assert run.state == 'SUCCESS', run
    assert backup_ids(run) == [history['F1']]
    assert run.output['deleted'] == 1
    # H is as old, but made by hand; W as old, but with another mark.
    assert history.existing() == {'H', 'W', 'F2', 'I1', 'I2'}


def test_another_mark_sees_only_its_backups_and_age_never_takes_the_newest(mistral, history,
                                                                           mail):
    """W, 40 days old, is the only backup of its mark (kept: 1, not F2 and
    its chain), so the newest: it stays, and the report says first that
    the volume has had no backup of that mark for max_age_days. (Before,
    a schedule failing for a month lost its last backup.)"""
    history.start_from('H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, max_age_days=30, backup_mark=WEEKLY_MARK,
                 report_to_list=[REPORT_TO])
    assert run.state == 'SUCCESS', run
    assert run.output['backups'] == [] and run.output['deleted'] == 0
    assert run.output['volumes'] == [{
        'volume_id': history.volume, 'backup_ids': [], 'kept': 1, 'kept_for_chains': 0,
        'newest_past_max_age': True, 'error_backup_ids': []}]
    assert history.existing() == {'H', 'W', 'F2', 'I1', 'I2'}
    report = mail.report(run.id)
    assert report['Subject'] == ('Cinder backup rotation success: 0 deleted, 0 failed; '
                                 '1 volume without a recent backup')
    assert mail.lines(report)[3:] == [
        'volume {} has no backup newer than max_age_days; its newest stays'.format(
            history.volume)]


def test_restore_of_the_newest_incremental_is_byte_identical(mistral, history, module_volumes,
                                                             rbd, cinder, gcs_faults, mail):
    """Through a burst of three 503 answers on the downloads: the driver's
    retries (backup_gcs_num_retries 3, retry codes include 503 by default)
    absorb it."""
    history.start_from('H', 'F2', 'I1', 'I2')
    gcs_faults.inject({'method': 'GET', 'path': '^/storage/v1/b/[^/?]+/o/.', 'status': 503,
                       'times': 3})
    run = mistral.run('restore_backup_workflow', dict(
        FAST, backup_id=history['I2'], name='rotation-restored', report_to_list=[REPORT_TO]))
    module_volumes.adopt(run.output.get('volume_id') or run.published.get('restored_volume_id'))
    assert run.state == 'SUCCESS', run
    restored = cinder.volume(run.output['volume_id'])
    assert restored['name'] == 'rotation-restored' and restored['status'] == 'available'
    assert rbd.sha256(restored['id']) == history.digest
    assert gcs_faults.answered(503) == 3, 'the burst did not happen'
    report = mail.report(run.id)
    assert report['Subject'] == 'Cinder backup restore success'
    assert mail.lines(report)[0].startswith('restored; backup {} -> volume {}; took '.format(
        history['I2'], restored['id']))


def test_count_limit_deletes_a_whole_superseded_chain(mistral, history):
    history.start_from('H', 'F2', 'I1', 'I2')
    run = mistral.run('create_backups_workflow', dict(FAST, volumes_id_list=[history.volume]))
    history['F3'] = run.volumes[history.volume]['backup_id']
    run = rotate(mistral, history, keep_last=1)
    assert run.state == 'SUCCESS', run
    # Newest first: each incremental goes before the backup it depends on.
    assert backup_ids(run) == [history['I2'], history['I1'], history['F2']]
    assert history.existing() == {'H', 'F3'}


def test_a_backup_in_error_goes_and_the_report_says_none_is_left(mistral, history, mail):
    """F3 set to 'error' in Cinder's database: a stand-in for a backup that
    failed (tests/system/test_backup_faults.py makes real ones), cheaper than
    another run. A rotation deletes it whatever its limits, and the report
    says first that the volume has no available backup of the mark."""
    if history.existing() != {'H', 'F3'}:
        history.start_from('H')
        run = mistral.run('create_backups_workflow', dict(FAST, volumes_id_list=[history.volume]))
        history['F3'] = run.volumes[history.volume]['backup_id']
    history.stack.query('cinder', "UPDATE backups SET status = 'error' WHERE id = '{}'".format(
        history['F3']))
    run = rotate(mistral, history, keep_last=7, report_to_list=[REPORT_TO])
    assert run.state == 'SUCCESS', run
    assert backup_ids(run) == [history['F3']] and run.output['deleted'] == 1
    assert run.output['volumes'] == [{
        'volume_id': history.volume, 'backup_ids': [history['F3']],
        'error_backup_ids': [history['F3']], 'kept': 0, 'kept_for_chains': 0,
        'newest_past_max_age': False}]
    assert history.existing() == {'H'}
    assert history['F3'] not in {backup['id'] for backup in history.cinder.backups()}
    report = mail.report(run.id)
    assert report['Subject'] == ('Cinder backup rotation success: 1 deleted, 0 failed; '
                                 '1 volume without a recent backup')
    assert mail.lines(report)[3:] == [
        'volume {} has no available backup, only backups in error'.format(history.volume),
        'deleted; backup in error {} of volume {}'.format(history['F3'], history.volume)]
