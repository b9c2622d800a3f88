"""The plugin's tasks in the deployment graph Fuel 9.0, 9.1, 9.2 and
mitaka-eol build, with Fuel's own tasks of the same tag (fuel-library):
on which node each runs, and in which order, as deployment_tasks.yaml
claims; and the graph checks Nailgun does not make, proven able to fail on
a deliberately broken copy of the plugin's tasks."""

import pathlib

import pytest
import yaml

from support.project import PLUGIN_DIR_ON_MASTER

from . import graph
from .environments import ENVIRONMENTS, Environment, valid_settings

CHECK = 'cinder-gcs-check-settings'
BACKUP_CEPH = 'cinder-gcs-backup-ceph'
BACKUP_LVM = 'cinder-gcs-backup-lvm'
HORIZON = 'cinder-gcs-horizon'
# The plugin's tasks each role runs, per environment.
RUNS = {
    'lvm': {'controller': {CHECK, HORIZON}, 'cinder': {CHECK, BACKUP_LVM}, 'compute': set()},
    'ceph': {'controller': {CHECK, BACKUP_CEPH, HORIZON}, 'compute': set(),
             'ceph-osd': set()},
}
# (runs first, runs later) on the same node; deploy_end is the end of the
# whole deployment. The check task comes after Fuel gave the node its
# settings (hiera) and the plugin's files (plugins_rsync), before any Fuel
# task changes the node (setup_repositories is the first) and so before
# Fuel's Cinder tasks.
ORDER = {
    CHECK: [('hiera', CHECK), ('plugins_rsync', CHECK), (CHECK, 'setup_repositories'),
            (CHECK, 'openstack-cinder'), (CHECK, 'top-role-cinder')],
    BACKUP_CEPH: [('openstack-cinder', BACKUP_CEPH), (BACKUP_CEPH, 'deploy_end')],
    BACKUP_LVM: [('top-role-cinder', BACKUP_LVM), (BACKUP_LVM, 'enable_cinder_volume_service')],
    HORIZON: [('horizon', HORIZON), (HORIZON, 'deploy_end')],
}
NODE_WIDE = {'deploy_end'}


@pytest.fixture(scope='package')
def deployed_graphs(master, environments, service_account_key, tmp_path_factory):
    """{environment: (Environment, serialized graph)}. Reading the graph
    deploys an environment on Fuel 9.0, which locks its settings: there it
    is read from copies of the environments, made for it."""
    graphs = {}
    for name, environment in environments.items():
        if master.version == '9.0':
            layout = ENVIRONMENTS[name]
            environment = Environment.create(master, name + '-graph',
                                             tmp_path_factory.mktemp(name + '-graph'),
                                             layout['storage'], layout['roles'])
            environment.upload_plugin_settings(valid_settings(service_account_key))
        graphs[name] = (environment, graph.serialized_graph(environment))
    return graphs


@pytest.mark.parametrize('name', sorted(RUNS))
def test_plugin_tasks_run_on_the_nodes_claimed(deployed_graphs, name):
    environment, serialized = deployed_graphs[name]
    for role, node_ids in environment.nodes.items():
        for node in node_ids:
            plugin = {task for task in graph.runs(serialized, node)
                      if task.startswith(graph.PLUGIN_TASK_PREFIX)}
            assert plugin == RUNS[name][role], (role, node)


@pytest.mark.parametrize('name', sorted(RUNS))
def test_plugin_tasks_run_in_the_order_claimed(deployed_graphs, name):
    """Each claim whose Fuel task runs on the node too holds; every task a
    node runs is checked against a task before it and one after it."""
    environment, serialized = deployed_graphs[name]
    tasks = graph.node_task_graph(serialized)
    for role, node_ids in environment.nodes.items():
        for node in node_ids:
            runs = graph.runs(serialized, node) | NODE_WIDE
            for task in RUNS[name][role]:
                sides = set()
                for first, later in ORDER[task]:
                    if {first, later} <= runs:
                        ends = [graph.vertex(None if t in NODE_WIDE else node, t)
                                for t in (first, later)]
                        assert graph.networkx.has_path(tasks, *ends), (node, first, later)
                        sides.add('before' if later == task else 'after')
                assert sides == {'before', 'after'}, (role, node, task)


def test_the_order_claimed_names_fuel_tasks(environments):
    """A misspelt Fuel task in ORDER would be a claim never checked."""
    known = {task['id'] for task in graph.definitions(environments['lvm'])}
    assert {name for pairs in ORDER.values() for pair in pairs for name in pair} <= known


@pytest.mark.parametrize('name', sorted(RUNS))
def test_serialized_graph_has_no_cycle_through_a_plugin_task(deployed_graphs, name):
    _, serialized = deployed_graphs[name]
    tasks = graph.node_task_graph(serialized)
    plugin = [v for v in tasks if v[1].startswith(graph.PLUGIN_TASK_PREFIX)]
    assert plugin
    assert graph.cycles_through_plugin_tasks(tasks, plugin) == []


def test_plugin_tasks_name_existing_tasks_and_close_no_cycle(environments):
    tasks = graph.definitions(environments['lvm'])
    assert {task['id'] for task in graph.plugin_tasks(tasks)} == set(ORDER)
    assert graph.missing_dependencies(tasks) == []
    assert graph.definition_cycles(tasks) == []


def broken(tasks):
    """The plugin's tasks with a dependency on a task that does not exist
    and a cycle (the check task required for hiera, which it requires)."""
    for task in tasks:
        if task['id'] == CHECK:
            task['requires'] = task['requires'] + ['hiera-typo']
            task['required_for'] = task['required_for'] + ['hiera']
    return tasks


def test_graph_checks_fail_on_a_broken_copy_of_the_tasks(master, environments):
    """Nailgun takes the broken copy without a word (`fuel plugins --sync`
    reads the plugin's files again); the checks name both faults."""
    tasks_file = pathlib.Path('/', PLUGIN_DIR_ON_MASTER, 'deployment_tasks.yaml')
    original = tasks_file.read_text()
    try:
        tasks_file.write_text(yaml.safe_dump(broken(yaml.safe_load(original))))
        master.fuel('plugins', '--sync')
        tasks = graph.definitions(environments['lvm'])
        assert graph.missing_dependencies(tasks) == [CHECK + ' -> hiera-typo']
        cycles = graph.definition_cycles(tasks)
        assert [cycle[0] for cycle in cycles] == [CHECK] and 'hiera' in cycles[0]
    finally:
        tasks_file.write_text(original)
        master.fuel('plugins', '--sync')
    tasks = graph.definitions(environments['lvm'])
    assert graph.missing_dependencies(tasks) == [] and graph.definition_cycles(tasks) == []
