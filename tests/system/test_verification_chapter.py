"""The verification chapter's backup and restore of a test volume, run as printed
with Fuel 9's own client.

The commands of its "Back up and restore a test volume" section are taken
from the built guide (tools/doc_commands.py) and run in order with the
`openstack` of python-openstackclient 2.3.1 and the `cinder` of
python-cinderclient 1.6.0 on Python 2.7 (Mitaka's pins, .venv/mitaka-mistral),
admin's credentials and the Block Storage v2 API, as on a Fuel 9 controller.
Placeholders get the IDs the commands print; where the guide says to wait
for a status, the test waits. This proves the Fuel 9 forms (`openstack
backup ...`; the restore through `cinder`, as 2.3.1's `backup restore`
restores and then exits 1 on its own output); Zed's client (6.0.0) renames
them and its `volume backup restore` exits 1 after restoring too
(tests/system/conftest.py, `volumes`), so it is not run here.
"""

import pathlib
import re
import shlex

import pytest

import doc_commands
import stack as stack_module

from .cli import Operator

SECTION = 'back-up-and-restore-a-test-volume'
# Fuel 9's clients, from the environment with Mitaka's pins.
CLIENTS = {name: str(pathlib.Path(stack_module.ENGINES['mitaka']['cli']).with_name(name))
           for name in ('openstack', 'cinder')}
MIB = 2**20


@pytest.fixture
def node_1(stack, new_volumes):
    """root on node-1 with /root/openrc loaded and Fuel 9's client; the
    volumes the chapter creates are deleted after the test whatever happens."""
    operator = Operator(stack, 'admin', 'mitaka')
    operator.values = {}
    yield operator
    for name in ('VOLUME_ID', 'RESTORED_VOLUME_ID'):
        if name in operator.values:
            new_volumes.adopt(operator.values[name])


def shown(output):
    """{Field: Value} of a `show`-style table."""
    return dict(re.findall(r'^\| (\S+)\s+\| (.*?)\s*\|$', output, re.M))


def test_the_test_volume_is_backed_up_and_restored_as_printed(node_1, built_guide, rbd, gcs,
                                                               stack, cinder):
    steps = [step for step in doc_commands.extract((built_guide / 'verification.html').read_text())
             if step.section == SECTION]
    assert [step.kind for step in steps] == ['command'] * 8, steps
    assert all(step.host == 'node-1' for step in steps)
    bucket = stack.settings['backup_gcs_bucket']
    for step in steps:
        text = doc_commands.fill(step.text, node_1.values)
        argv = shlex.split(text)
        assert argv[0] in CLIENTS, text
        output = node_1.run(*argv[1:], client=CLIENTS[argv[0]])
        if argv[1:3] == ['volume', 'create']:
            volume = shown(output)
            node_1.wait_status('volume', volume['id'], 'available', 120)
            if 'VOLUME_ID' not in node_1.values:
                node_1.values['VOLUME_ID'] = volume['id']
                # Data to restore: the guide's volume is new and empty.
                rbd.write(volume['id'], 0, 4 * MIB, 'verification-chapter')
                node_1.values['digest'] = rbd.sha256(volume['id'])
            else:
                node_1.values['RESTORED_VOLUME_ID'] = volume['id']
        elif argv[1:3] == ['backup', 'create']:
            node_1.values['BACKUP_ID'] = shown(output)['id']
            node_1.wait_status('backup', node_1.values['BACKUP_ID'], 'available', 300)
            assert any(node_1.values['BACKUP_ID'] in name for name in gcs.object_names(
                bucket, 'volume_{}/'.format(node_1.values['VOLUME_ID'])))
        elif argv[1:3] == ['backup', 'show']:
            assert shown(output)['status'] == 'available'
        elif argv[:2] == ['cinder', 'backup-restore']:
            node_1.wait_status('volume', node_1.values['RESTORED_VOLUME_ID'], 'available', 300)
            node_1.wait_status('backup', node_1.values['BACKUP_ID'], 'available', 60)
        elif argv[1:3] == ['volume', 'show']:
            assert shown(output)['status'] == 'available'
            assert rbd.sha256(node_1.values['RESTORED_VOLUME_ID']) == node_1.values['digest']
        elif argv[1:3] == ['backup', 'delete']:
            backup_id = node_1.values['BACKUP_ID']
            node_1.wait_gone('backup', backup_id, 120)
            assert gcs.object_names(bucket, 'volume_{}/'.format(node_1.values['VOLUME_ID'])) == []
        elif argv[1:3] == ['volume', 'delete']:
            for name in ('VOLUME_ID', 'RESTORED_VOLUME_ID'):
                node_1.wait_gone('volume', node_1.values.pop(name), 120)
        else:
            pytest.fail('a command this test has no expectation for: ' + text)
    assert node_1.values.keys() == {'BACKUP_ID', 'digest'}
