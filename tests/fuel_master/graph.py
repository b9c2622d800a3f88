"""The deployment graph as a Fuel master builds it, and the checks Nailgun
does not make: it drops a dependency on a task that does not exist and
starts a deployment whose graph has a cycle, without a word.

Two views: the task definitions of an environment (Fuel's release tasks
and the plugin's, GET /clusters/<id>/deployment_tasks), where a name that
does not exist or a cycle can be seen before Nailgun resolves them; and
each node's tasks as Nailgun hands them to Astute (the serialized graph),
where conditions and roles have been applied.
"""

import time

import networkx

PLUGIN_TASK_PREFIX = 'cinder-gcs-'


def definitions(environment):
    """The environment's task definitions."""
    return environment.master.api_ok(
        'GET', '/clusters/{}/deployment_tasks'.format(environment.id))


def definition_graph(tasks):
    """Task ids, an edge from each task to every task that must run after it."""
    graph = networkx.DiGraph()
    for task in tasks:
        graph.add_node(task['id'])
        for required in task.get('requires') or []:
            graph.add_edge(required, task['id'])
        for follower in task.get('required_for') or []:
            graph.add_edge(task['id'], follower)
    return graph


def plugin_tasks(tasks):
    return [task for task in tasks if task['id'].startswith(PLUGIN_TASK_PREFIX)]


def missing_dependencies(tasks):
    """['<plugin task> -> <name>'] for each name a plugin task depends on
    (requires, required_for) that is not a task of the graph."""
    known = {task['id'] for task in tasks}
    return ['{} -> {}'.format(task['id'], name) for task in plugin_tasks(tasks)
            for name in (task.get('requires') or []) + (task.get('required_for') or [])
            if name not in known]


def cycles_through_plugin_tasks(graph, plugin_vertices):
    """A cycle (list of vertices) through each of PLUGIN_VERTICES that is on
    one, in GRAPH."""
    found = []
    for vertex in plugin_vertices:
        for successor in graph.successors(vertex):
            if networkx.has_path(graph, successor, vertex):
                found.append([vertex] + networkx.shortest_path(graph, successor, vertex))
                break
    return found


def definition_cycles(tasks):
    graph = definition_graph(tasks)
    return cycles_through_plugin_tasks(graph, [task['id'] for task in plugin_tasks(tasks)])


# ------------------------------------------------------- the serialized graph
def serialized_graph(environment, timeout=60):
    """{node id (None: the master's sync points): [task]} as Nailgun hands
    the deployment to Astute. Fuel 9.1 and later serve it
    (GET /clusters/<id>/serialized_tasks); Fuel 9.0's handler fails on any
    yaql condition of Fuel's own tasks, while its deployment path handles
    them: there the environment is deployed (fake tasks) and the message
    Nailgun logs for its orchestrator is read. That locks the environment's
    settings, as any deployment does."""
    master = environment.master
    if master.version != '9.0':
        graph = master.api_ok('GET', '/clusters/{}/serialized_tasks'.format(
            environment.id))['tasks_graph']
    else:
        since = master.log_mark()
        master.api_ok('PUT', '/clusters/{}/changes'.format(environment.id))
        deadline = time.monotonic() + timeout
        while True:
            graphs = master.deployment_graphs(since)
            if graphs:
                graph = graphs[0]
                break
            if time.monotonic() > deadline:
                raise AssertionError('Nailgun 9.0 handed no deployment to its orchestrator '
                                     'within {} s (log: {})'.format(timeout, master.server_log))
            time.sleep(0.2)
    return {None if node in (None, 'null') else str(node): tasks for node, tasks in graph.items()}


def vertex(node, name):
    return (None if node is None else str(node), name)


def node_task_graph(serialized):
    """(node, task) vertices of the serialized graph, an edge from each to
    every one that must run after it."""
    graph = networkx.DiGraph()
    for node, tasks in serialized.items():
        for task in tasks:
            this = vertex(node, task['id'])
            graph.add_node(this)
            for required in task.get('requires') or []:
                graph.add_edge(vertex(required['node_id'], required['name']), this)
            for follower in task.get('required_for') or []:
                graph.add_edge(this, vertex(follower['node_id'], follower['name']))
    return graph


def runs(serialized, node):
    """The ids of the tasks NODE runs (Nailgun keeps a task whose condition
    or role rules it out in the graph, as type 'skipped')."""
    return {task['id'] for task in serialized.get(str(node), []) if task['type'] != 'skipped'}
