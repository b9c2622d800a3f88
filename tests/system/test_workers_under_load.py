"""create_backups_workflow's workers under load: volume workflows of different
workers ending at the same moment never lose a volume, and every execution
ends (#15, item 4).

Mistral 2.0.0 miscounts the items of one with-items task with a concurrency
limit when two of them end at once: over 3 volumes at concurrency 2 it ended
the task while a volume was still being backed up in 5 of 13 runs, and left a
rotation RUNNING for ever. The workbook's workers are a with-items of no limit
over with-items of concurrency 1 (_back_up_volumes_in_turn_workflow,
_delete_backups_in_turn_workflow), so that no two items of one task can end at
once. This runs that construct, taken from the workbook itself, hard enough to
make such endings common: several runs at once, each with more workers than
cores, their volumes backed up by a STUB of _back_up_volume_workflow that ends
at once. A real backup takes the other tests a minute; the collisions need
none, and the real volume workflow runs in every other test here.
"""

import datetime
import uuid

import pytest
import yaml

from .workflows import TERMINAL, WORKBOOK

STRESS_WORKBOOK = 'workers_under_load'
RUNS = 4
VOLUMES_PER_RUN = 12
CONCURRENCY = 4
# Two volume workflows ending closer than this count as ending at once: 2.0.0
# lost an item when two ended within about half a second.
AT_ONCE_S = 0.5


def stress_workbook():
    """The sample workbook under another name, its volume workflow a stub that
    reports the volume backed up without asking Cinder."""
    workbook = yaml.safe_load(WORKBOOK.read_text())
    workbook['name'] = STRESS_WORKBOOK
    real = workbook['workflows']['_back_up_volume_workflow']
    output = dict.fromkeys(real['output'])  # the real one's keys, all null
    output.update(volume_id='<% $.volume_id %>', outcome='backed_up', incremental=False)
    workbook['workflows']['_back_up_volume_workflow'] = {
        'description': 'STUB of the volume workflow: ends at once, backed up.',
        'input': real['input'],
        'output': output,
        'tasks': {'end_at_once': {'action': 'std.noop'}},
    }
    return yaml.safe_dump(workbook)


def ended_at(record):
    return datetime.datetime.fromisoformat(record['updated_at'])


@pytest.fixture(scope='module')
def load(mistral):
    """RUNS executions started together, each over VOLUMES_PER_RUN made-up
    volume IDs: {execution id: (its volume IDs, its execution tree)}."""
    mistral.delete_workflows(STRESS_WORKBOOK)
    mistral.call('POST', '/workbooks', text=stress_workbook())
    try:
        started = {}
        for _ in range(RUNS):
            volume_ids = [str(uuid.uuid4()) for _ in range(VOLUMES_PER_RUN)]
            started[mistral.start(
                'create_backups_workflow',
                {'volumes_id_list': volume_ids, 'concurrency': CONCURRENCY},
                env=None, workbook=STRESS_WORKBOOK)] = volume_ids
        ended = {execution_id: mistral.wait(execution_id, timeout=600)
                 for execution_id in started}
        yield {execution_id: (started[execution_id], ended[execution_id],
                              mistral.tree(execution_id))
               for execution_id in started}
    finally:
        mistral.call('DELETE', '/workbooks/' + STRESS_WORKBOOK)
        mistral.delete_workflows(STRESS_WORKBOOK)


@pytest.mark.zed
def test_volume_workflows_of_different_workers_end_at_once(load):
    """The premise: the load makes the endings that made 2.0.0 lose items."""
    endings = sorted(ended_at(record) for _, _, tree in load.values() for record, _ in tree
                     if record['workflow_name'].endswith('._back_up_volume_workflow'))
    assert len(endings) == RUNS * VOLUMES_PER_RUN
    close = [later - earlier for earlier, later in zip(endings, endings[1:])
             if (later - earlier).total_seconds() < AT_ONCE_S]
    assert len(close) >= RUNS * CONCURRENCY // 2, (len(close), len(endings))


@pytest.mark.zed
def test_every_volume_has_its_outcome_in_every_run(load):
    for volume_ids, execution, _ in load.values():
        assert execution.state == 'SUCCESS', execution
        assert execution.outcomes() == {volume_id: 'backed_up' for volume_id in volume_ids}
        assert execution.output['backed_up'] == VOLUMES_PER_RUN
        assert sorted(volume_id for group in execution.groups
                      for volume_id in group['volume_ids']) == sorted(volume_ids)


@pytest.mark.zed
def test_nothing_is_left_running(load):
    for _, _, tree in load.values():
        unfinished = [(record['workflow_name'], task['name'], task['state'])
                      for record, tasks in tree for task in tasks
                      if task['state'] not in TERMINAL]
        assert unfinished == []
        assert all(record['state'] in TERMINAL for record, _ in tree)

