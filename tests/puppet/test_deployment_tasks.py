"""deployment_tasks.yaml: each task runs its manifest on the right nodes,
after the Fuel 9 task that writes the same file, under conditions that
Nailgun evaluates on the node's astute.yaml."""

import collections.abc  # noqa: F401 (yaql 3.2 uses it without importing it)

import pytest
import yaql
import yaml

from support.fuel_nodes import astute
from support.project import PLUGIN_NAME, REPO


TASKS = {task['id']: task for task in
         yaml.safe_load((REPO / 'deployment_tasks.yaml').read_text())}
CONTROLLERS = ['primary-controller', 'controller']

# task: (roles, runs after, runs before); Fuel's task ids as in Fuel 9's
# fuel-library (see the comment in deployment_tasks.yaml).
PLACEMENT = {
    # Before setup_repositories, the first Fuel task that changes a node
    # (then fuel_pkgs, globals, ... openstack-cinder, top-role-cinder,
    # horizon), after hiera, which gives it the settings.
    'cinder-gcs-check-settings': (CONTROLLERS + ['cinder'], ['hiera'], ['setup_repositories']),
    'cinder-gcs-backup-ceph': (CONTROLLERS, ['openstack-cinder'], ['deploy_end']),
    'cinder-gcs-backup-lvm': (['cinder'], ['top-role-cinder'],
                              ['enable_cinder_volume_service']),
    'cinder-gcs-horizon': (CONTROLLERS, ['horizon'], ['deploy_end']),
}


def test_every_task_is_placed_as_intended():
    assert set(TASKS) == set(PLACEMENT)
    for task_id, (roles, after, before) in PLACEMENT.items():
        task = TASKS[task_id]
        assert (task['version'], task['type']) == ('2.0.0', 'puppet')
        assert (task['role'], task['requires'], task['required_for']) == (roles, after, before)


@pytest.mark.parametrize('task_id', sorted(PLACEMENT))
def test_task_manifest_is_in_the_package(task_id):
    parameters = TASKS[task_id]['parameters']
    scripts = REPO / 'deployment_scripts'
    assert (scripts / parameters['puppet_manifest']).is_file()
    assert parameters['puppet_modules'].split(':')[0] == 'puppet/modules'
    assert (scripts / 'puppet/modules/cinder_gcs/manifests/init.pp').is_file()


@pytest.mark.parametrize('task_id', sorted(PLACEMENT))
def test_task_manifest_marks_its_part_of_puppet_log(task_id):
    """Fuel 9's own tasks open with notice('MODULAR: ...'): an operator finds
    each task's part of a node's puppet.log by that line."""
    manifest = TASKS[task_id]['parameters']['puppet_manifest']
    code = [line for line in (REPO / 'deployment_scripts' / manifest).read_text().splitlines()
            if line and not line.startswith('#')]
    assert code[0] == "notice('MODULAR: {}/{}')".format(PLUGIN_NAME, manifest.split('/')[-1])


def node_data(node, enabled):
    data = astute(node, {})
    data[PLUGIN_NAME]['metadata']['enabled'] = enabled
    return data


def without_plugin(node):
    data = astute(node, {})
    del data[PLUGIN_NAME]
    return data


@pytest.mark.parametrize('task_id, data, runs', [
    ('cinder-gcs-backup-ceph', node_data('ceph-controller', True), True),
    ('cinder-gcs-backup-ceph', node_data('ceph-controller', False), False),
    ('cinder-gcs-backup-ceph', without_plugin('ceph-controller'), False),
    ('cinder-gcs-backup-ceph', node_data('lvm-cinder', True), False),
    ('cinder-gcs-backup-lvm', node_data('lvm-cinder', True), True),
    ('cinder-gcs-backup-lvm', node_data('lvm-cinder', False), False),
    ('cinder-gcs-backup-lvm', node_data('ceph-controller', True), False),
    ('cinder-gcs-horizon', node_data('ceph-controller', True), True),
    ('cinder-gcs-horizon', node_data('ceph-controller', False), False),
    ('cinder-gcs-check-settings', node_data('ceph-controller', True), True),
    ('cinder-gcs-check-settings', node_data('lvm-cinder', True), True),
    ('cinder-gcs-check-settings', node_data('lvm-cinder', False), False),
], ids=[
    'ceph controller, plugin enabled', 'ceph controller, plugin disabled',
    'ceph controller, plugin not installed', 'LVM volumes only: not on controllers',
    'LVM cinder node, plugin enabled', 'LVM cinder node, plugin disabled',
    'Ceph volumes only: not on cinder nodes',
    'horizon, plugin enabled', 'horizon, plugin disabled',
    'check, ceph controller', 'check, LVM cinder node', 'check, plugin disabled',
])
def test_condition_selects_the_nodes(task_id, data, runs):
    expression = TASKS[task_id]['condition']['yaql_exp']
    engine = yaql.factory.YaqlFactory().create()
    assert engine(expression).evaluate(data=data, context=yaql.create_context()) is runs
