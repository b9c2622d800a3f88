"""The workflow diagram is drawn from the workbook at every build."""

import re
import xml.etree.ElementTree as ElementTree

import pytest
import yaml

import workbook_graph

from .helpers import WORKBOOK, build_docs

SVG = '{http://www.w3.org/2000/svg}'
WORKFLOW = 'create_backups_workflow'


def edges(workflow):
    return [tuple(e) for e in workbook_graph.transitions(workflow)]


@pytest.mark.parametrize('workflow, expected', [
    ({'tasks': {'a': {'on-success': 'b'}, 'b': {}}},
     [('a', 'b', 'on-success', None)]),
    ({'tasks': {'a': {'on-error': [{'b': '<% $.x %>'}, 'c']}, 'b': {},
                'c': {}}},
     [('a', 'b', 'on-error', '<% $.x %>'), ('a', 'c', 'on-error', None)]),
    ({'task-defaults': {'on-error': ['cleanup']},
      'tasks': {'a': {'on-complete': ['b']}, 'b': {},
                'cleanup': {'on-error': []}}},
     [('a', 'cleanup', 'on-error', None), ('a', 'b', 'on-complete', None),
      ('b', 'cleanup', 'on-error', None)]),
    ({'task-defaults': {'on-error': ['c']},
      'tasks': {'a': {'on-error': ['b']}, 'b': {'on-error': []}, 'c': {}}},
     [('a', 'b', 'on-error', None), ('c', 'c', 'on-error', None)]),
    ({'tasks': {'a': {'on-error': ['fail(msg="no volumes")'],
                      'on-success': ['succeed']}}},
     [('a', 'succeed', 'on-success', None), ('a', 'fail', 'on-error', None)]),
    ({'type': 'reverse', 'tasks': {'a': {}, 'b': {'requires': ['a']},
                                   'c': {'requires': 'b'}}},
     [('a', 'b', 'requires', None), ('b', 'c', 'requires', None)]),
], ids=['single-target-string', 'list-with-condition',
        'task-defaults-apply-to-tasks-without-own-clause',
        'own-clause-replaces-default', 'engine-commands-with-arguments',
        'reverse-workflow-requires'])
def test_transitions(workflow, expected):
    assert edges(workflow) == expected


def test_transition_to_an_undefined_task_is_an_error():
    with pytest.raises(workbook_graph.WorkbookError, match='nowhere'):
        workbook_graph.transitions({'tasks': {'a': {'on-success': 'nowhere'}}})


def test_missing_workflow_is_named_in_the_error(tmp_path):
    path = tmp_path / 'wb.yaml'
    path.write_text(yaml.safe_dump({'workflows': {'other': {'tasks': {}}}}))
    with pytest.raises(workbook_graph.WorkbookError, match='it has: other'):
        workbook_graph.load_workflow(path, WORKFLOW)


def test_every_task_without_inbound_transition_starts():
    dot = workbook_graph.to_dot('wf', {'tasks': {
        'a': {'on-success': 'c'}, 'b': {'on-success': 'c'}, 'c': {}}})
    starts = re.findall(r'"start" -> "(\w+)"', dot)
    assert starts == ['a', 'b']


def drawn_graph(html_dir, workflow=WORKFLOW):
    """(nodes, edges) of the workflow's SVG diagram in the built Mistral
    chapter."""
    page = (html_dir / 'mistral.html').read_text()
    drawn = {}
    for image in re.findall(
            r'<object data="(_images/graphviz-[0-9a-f]+\.svg)"', page):
        root = ElementTree.parse(html_dir / image).getroot()
        titles = {'graph': set(), 'node': set(), 'edge': set()}
        for group in root.iter(SVG + 'g'):
            if group.get('class') in titles:
                titles[group.get('class')].add(
                    group.find(SVG + 'title').text)
        graph, = titles['graph']
        drawn[graph] = (titles['node'],
                        {tuple(e.split('->')) for e in titles['edge']})
    assert workflow in drawn, 'no diagram of {}: {}'.format(workflow,
                                                            sorted(drawn))
    return drawn[workflow]


def expected_graph(workbook_path, name=WORKFLOW):
    workflow = yaml.safe_load(workbook_path.read_text())['workflows'][name]
    transitions = workbook_graph.transitions(workflow)
    targets = {e.target for e in transitions}
    nodes = set(workflow['tasks']) | targets | {'start'}
    starts = {('start', t) for t in workflow['tasks'] if t not in targets}
    return nodes, {(e.source, e.target) for e in transitions} | starts


@pytest.mark.parametrize('workflow', [WORKFLOW, '_back_up_volume_workflow'])
def test_guide_diagram_draws_the_workbook(built_guide, workflow):
    assert drawn_graph(built_guide, workflow) == \
        expected_graph(WORKBOOK, workflow)


def test_diagram_follows_a_changed_workbook(built_guide, guide_copy,
                                            tmp_path):
    # Rename the last task in the text, references included, so that the
    # rest of the file (which the guide also quotes) stays as it is.
    path = guide_copy / 'examples' / 'mistral_workbook.yaml'
    old = list(yaml.safe_load(path.read_text())
               ['workflows'][WORKFLOW]['tasks'])[-1]
    path.write_text(re.sub(r'\b{}\b'.format(old), 'page_the_operator',
                           path.read_text()))

    build_docs(guide_copy / 'doc', tmp_path / 'out')

    nodes, drawn = drawn_graph(tmp_path / 'out' / 'html')
    assert 'page_the_operator' in nodes and old not in nodes
    assert (nodes, drawn) == expected_graph(path)
    assert drawn_graph(built_guide)[0] - nodes == {old}
