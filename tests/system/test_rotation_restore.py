"""rotate_backups_workflow and restore_backup_workflow on one volume's history.

The module builds one volume's backups, oldest first: F1 (full, by the
workflow, made 40 days old in Cinder's database), H (full, made by hand, also
40 days old), W (full, by the workflow with another backup_mark, as a second
schedule would make it, also 40 days old), F2 (full), I1 and I2 (incremental,
each after new data). The tests run in file order, each on what the previous
left (each checks it first): a dry run, an age limit, the same with W's mark,
a restore of the newest incremental, then a count limit. A history of backups
is what rotation works on, and building one takes minutes on Mistral 2.0.0:
the tests share it rather than each build its own.
"""

import pytest


from .workflows import FAST, REPORT_TO

AGED_DAYS = 40
WEEKLY_MARK = 'Weekly backup by sample_backup_workbook'


def backup_ids(run):
    return [entry['backup_id'] for entry in run.output['backups']]


@pytest.fixture(scope='module')
def history(stack, mistral, module_volumes, rbd, cinder):
    volume = module_volumes.create('rotation-source', 'alice')

    def workflow_backup(incremental=False, **inputs):
        run = mistral.run('create_backups_workflow', dict(
            FAST, volumes_id_list=[volume], incremental=incremental, **inputs))
        assert run.state == 'SUCCESS', run
        return run.volumes[volume]['backup_id']

    f1 = workflow_backup()
    hand = module_volumes.backup(volume, 'made-by-hand', user='admin')
    weekly = workflow_backup(backup_mark=WEEKLY_MARK)
    stack.query('cinder', "UPDATE backups SET created_at = created_at - interval '{} days' "
                "WHERE id IN ('{}', '{}', '{}')".format(AGED_DAYS, f1, hand, weekly))
    f2 = workflow_backup()
    rbd.write(volume, 8 * 2**20, 2**20, 'rotation-i1')
    i1 = workflow_backup(incremental=True)
    rbd.write(volume, 16 * 2**20, 2**20, 'rotation-i2')
    i2 = workflow_backup(incremental=True)
    backups = {backup['id']: backup for backup in cinder.backups()}
    assert [backups[i]['is_incremental'] for i in (f1, hand, weekly, f2, i1, i2)] == [
        False, False, False, False, True, True]
    return {'volume': volume, 'F1': f1, 'H': hand, 'W': weekly, 'F2': f2, 'I1': i1, 'I2': i2,
            'digest': rbd.sha256(volume)}


def existing(cinder, history):
    ids = {backup['id']: backup['status'] for backup in cinder.backups()}
    return {name for name in ('F1', 'H', 'W', 'F2', 'I1', 'I2', 'F3')
            if ids.get(history.get(name)) == 'available'}


def starting_from(cinder, history, *names):
    """A test's precondition: the backups the tests before it left."""
    assert existing(cinder, history) == set(names), (
        'this test runs on what the tests before it in this module leave: run the module')


def rotate(mistral, history, **inputs):
    return mistral.run('rotate_backups_workflow', dict(
        FAST, volumes_id_list=[history['volume']], **inputs))


def test_dry_run_lists_what_it_would_delete_and_deletes_nothing(mistral, history, cinder, mail):
    starting_from(cinder, history, 'F1', 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, keep_last=1, dry_run=True, report_to_list=[REPORT_TO])
    assert run.state == 'SUCCESS', run
    # Past the newest one, but I2 depends on I1 and F2: only F1 can go.
    assert run.output['backups'] == [{'backup_id': history['F1'], 'volume_id': history['volume'],
                                      'outcome': 'would_delete', 'note': None}]
    assert existing(cinder, history) == {'F1', 'H', 'W', 'F2', 'I1', 'I2'}
    report = mail.report(run.id)
    assert report['Subject'].startswith('Cinder backup rotation dry run')
    totals, _, _, *lines = mail.lines(report)
    assert totals.startswith('1 backup would be deleted (dry run); took ')
    assert lines == ['would delete; backup {} of volume {}'.format(history['F1'],
                                                                   history['volume'])]


def test_age_limit_deletes_old_workflow_backups_only(mistral, history, cinder):
    starting_from(cinder, history, 'F1', 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, max_age_days=30)
    assert run.state == 'SUCCESS', run
    assert backup_ids(run) == [history['F1']]
    assert run.output['deleted'] == 1
    # H is as old, but made by hand; W as old, but with another mark.
    assert existing(cinder, history) == {'H', 'W', 'F2', 'I1', 'I2'}


def test_another_mark_rotates_the_backups_made_with_it_only(mistral, history, cinder):
    starting_from(cinder, history, 'H', 'W', 'F2', 'I1', 'I2')
    run = rotate(mistral, history, max_age_days=30, backup_mark=WEEKLY_MARK)
    assert run.state == 'SUCCESS', run
    assert backup_ids(run) == [history['W']]
    assert existing(cinder, history) == {'H', 'F2', 'I1', 'I2'}


def test_restore_of_the_newest_incremental_is_byte_identical(mistral, history, module_volumes,
                                                             rbd, cinder, gcs_faults, mail):
    """Through a burst of three 503 answers on the downloads: the driver's
    retries (backup_gcs_num_retries 3, retry codes include 503 by default)
    absorb it."""
    starting_from(cinder, history, 'H', 'F2', 'I1', 'I2')
    gcs_faults.inject({'method': 'GET', 'path': '^/storage/v1/b/[^/?]+/o/.', 'status': 503,
                       'times': 3})
    run = mistral.run('restore_backup_workflow', dict(
        FAST, backup_id=history['I2'], name='rotation-restored', report_to_list=[REPORT_TO]))
    module_volumes.adopt(run.output.get('volume_id') or run.published.get('restored_volume_id'))
    assert run.state == 'SUCCESS', run
    restored = cinder.volume(run.output['volume_id'])
    assert restored['name'] == 'rotation-restored' and restored['status'] == 'available'
    assert rbd.sha256(restored['id']) == history['digest']
    assert gcs_faults.answered(503) == 3, 'the burst did not happen'
    report = mail.report(run.id)
    assert report['Subject'] == 'Cinder backup restore success'
    assert mail.lines(report)[0].startswith('restored; backup {} -> volume {}; took '.format(
        history['I2'], restored['id']))


def test_count_limit_deletes_a_whole_superseded_chain(mistral, history, cinder):
    starting_from(cinder, history, 'H', 'F2', 'I1', 'I2')
    run = mistral.run('create_backups_workflow', dict(FAST, volumes_id_list=[history['volume']]))
    history['F3'] = run.volumes[history['volume']]['backup_id']
    run = rotate(mistral, history, keep_last=1)
    assert run.state == 'SUCCESS', run
    # Newest first: each incremental goes before the backup it depends on.
    assert backup_ids(run) == [history['I2'], history['I1'], history['F2']]
    assert existing(cinder, history) == {'H', 'F3'}
