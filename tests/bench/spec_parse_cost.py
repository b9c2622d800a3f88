"""`make spec-cost`: the CPU Mistral 2.0.0's engine spends on each step of
each workflow of the sample workbook, before doing the step.

Mistral 2.0.0 (Fuel 9's) keeps no parsed workflow: each time an action
completes, and each time its scheduler resumes a task (a retry, a
wait-before), the engine parses the whole workflow of that task again and
validates it against Mistral's JSON schemas (spec_parser.get_workflow_spec
in default_engine.on_action_complete and task_handler.run_existing_task;
later releases cache it). Profiled on the system-test stack (py-spy on the
engine during a 10-volume backup run, 2026-12-08), that took 74 % of the
engine's CPU. The cost grows with the number of tasks in the workflow:
this script times it for each one, so that a change to the workbook shows
what it costs each volume.

Run with Mistral 2.0.0's Python (.venv/mitaka-mistral/bin/python):
  spec_parse_cost.py [--repeat N] [WORKBOOK]
Prints a Markdown table, costliest first: each workflow, its tasks and the
milliseconds of one parse (the median of N).
"""

from __future__ import print_function

import argparse
import io
import os
import time

from mistral.workbook import parser

WORKBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                        'examples', 'mistral_workbook.yaml')


def parse_milliseconds(spec, repeat):
    times = []
    for _ in range(repeat):
        began = time.time()
        parser.get_workflow_spec(spec)
        times.append((time.time() - began) * 1000)
    return sorted(times)[len(times) // 2]


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    arguments.add_argument('--repeat', type=int, default=9)
    arguments.add_argument('workbook', nargs='?', default=WORKBOOK)
    args = arguments.parse_args()
    with io.open(args.workbook, encoding='utf-8') as text:
        workbook = parser.get_workbook_spec_from_yaml(text.read())
    rows = []
    for workflow in workbook.get_workflows():
        spec = workflow.to_dict()
        rows.append((parse_milliseconds(spec, args.repeat), workflow.get_name(),
                     len(spec.get('tasks', {}))))
    print('| workflow | tasks | Mistral 2.0.0 parsing it (ms) |')
    print('|---|---:|---:|')
    for milliseconds, name, tasks in sorted(rows, reverse=True):
        print('| {} | {} | {:.0f} |'.format(name, tasks, milliseconds))


if __name__ == '__main__':
    main()
