"""Draw a workflow of a Mistral v2 workbook as a Graphviz digraph.

The guide's workflow diagram is made from examples/mistral_workbook.yaml at
every build, so it cannot drift from the workbook. Nothing here knows the
sample's task names: every task and every on-success/on-error/on-complete
transition (a task's own, or the workflow's task-defaults) becomes a node or
an edge. Reverse workflows are drawn from their `requires` lists.

No Sphinx import here, so the tests can call it directly.
"""

import collections

import yaml

# Mistral's reserved task names: the engine acts instead of running a task.
ENGINE_COMMANDS = ('succeed', 'fail', 'pause', 'noop')
DIRECT_TRANSITIONS = ('on-success', 'on-error', 'on-complete')
EDGE_STYLES = {
    'on-success': 'color="#2e7d32"',
    'on-error': 'color="#c62828", style=dashed',
    'on-complete': 'color="#1565c0", style=bold',
    'requires': 'color="#424242"',
}
COMMAND_STYLES = {
    'succeed': 'shape=doublecircle, color="#2e7d32"',
    'fail': 'shape=octagon, color="#c62828"',
    'pause': 'shape=circle, color="#f9a825"',
    'noop': 'shape=circle, color="#757575"',
}
# Long YAQL conditions would make the drawing unreadable.
MAX_CONDITION = 48

Transition = collections.namedtuple('Transition',
                                    'source target kind condition')


class WorkbookError(ValueError):
    """The workbook cannot be drawn; the message says why."""


def load_workflow(path, name):
    """The workflow `name` of the workbook file at `path`, as a dict."""
    with open(path, encoding='utf-8') as stream:
        workbook = yaml.safe_load(stream)
    workflows = (workbook or {}).get('workflows') or {}
    if name not in workflows:
        raise WorkbookError('{} has no workflow {!r}; it has: {}'.format(
            path, name, ', '.join(sorted(workflows)) or 'none'))
    workflow = workflows[name]
    if not workflow.get('tasks'):
        raise WorkbookError('workflow {!r} in {} has no tasks'.format(
            name, path))
    return workflow


def _targets(clause):
    """(task, condition) pairs of one on-* clause in any of its forms."""
    if clause is None:
        return []
    if isinstance(clause, (str, dict)):
        clause = [clause]
    pairs = []
    for entry in clause:
        if isinstance(entry, dict):
            (target, condition), = entry.items()
        else:
            target, condition = entry, None
        # Engine commands may carry arguments: fail(msg=...).
        target = str(target).split('(', 1)[0].strip()
        pairs.append((target, None if condition is None else str(condition)))
    return pairs


def transitions(workflow):
    """Every edge of the workflow, in the order the YAML lists them."""
    tasks = workflow['tasks']
    edges = []
    if workflow.get('type') == 'reverse':
        for name, task in tasks.items():
            requires = (task or {}).get('requires') or []
            if isinstance(requires, str):
                requires = [requires]
            edges += [Transition(needed, name, 'requires', None)
                      for needed in requires]
        return edges
    defaults = workflow.get('task-defaults') or {}
    for name, task in tasks.items():
        task = task or {}
        for kind in DIRECT_TRANSITIONS:
            # A task's own clause replaces the default one, as in Mistral.
            clause = task[kind] if kind in task else defaults.get(kind)
            edges += [Transition(name, target, kind, condition)
                      for target, condition in _targets(clause)]
    unknown = {e.target for e in edges} - set(tasks) - set(ENGINE_COMMANDS)
    if unknown:
        raise WorkbookError('transitions to undefined tasks: {}'.format(
            ', '.join(sorted(unknown))))
    return edges


def _quote(text):
    return '"{}"'.format(text.replace('\\', '\\\\').replace('"', '\\"')
                         .replace('\n', '\\n'))


def _task_label(name, task):
    lines = [name]
    call = task.get('action') or task.get('workflow')
    if call:
        kind = 'action' if 'action' in task else 'workflow'
        lines.append('{}: {}'.format(kind, str(call).split()[0]))
    if task.get('with-items'):
        lines.append('for each item')
    if task.get('join'):
        lines.append('join: {}'.format(task['join']))
    return '\n'.join(lines)


def _edge_label(edge):
    if edge.kind == 'requires':
        return ''
    if edge.condition is None:
        return edge.kind
    condition = ' '.join(edge.condition.split())
    if len(condition) > MAX_CONDITION:
        condition = condition[:MAX_CONDITION - 3] + '...'
    return '{}\n{}'.format(edge.kind, condition)


def to_dot(name, workflow):
    """Graphviz source of the workflow `name`."""
    tasks = workflow['tasks']
    edges = transitions(workflow)
    targeted = {e.target for e in edges}
    lines = [
        'digraph {} {{'.format(_quote(name)),
        '  rankdir=TB;',
        '  node [shape=box, style=rounded, fontname="Helvetica",'
        ' fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "start" [shape=point, width=0.2];',
    ]
    for task_name, task in tasks.items():
        lines.append('  {} [label={}];'.format(
            _quote(task_name), _quote(_task_label(task_name, task or {}))))
    for command in ENGINE_COMMANDS:
        if command in targeted:
            lines.append('  {} [{}];'.format(_quote(command),
                                             COMMAND_STYLES[command]))
    # Mistral starts every task that no transition leads to.
    for task_name in tasks:
        if task_name not in targeted:
            lines.append('  "start" -> {};'.format(_quote(task_name)))
    for edge in edges:
        lines.append('  {} -> {} [label={}, {}];'.format(
            _quote(edge.source), _quote(edge.target),
            _quote(_edge_label(edge)), EDGE_STYLES[edge.kind]))
    lines.append('}')
    return '\n'.join(lines) + '\n'


def workflow_dot(path, name):
    """Graphviz source of the workflow `name` of the workbook at `path`."""
    return to_dot(name, load_workflow(path, name))
