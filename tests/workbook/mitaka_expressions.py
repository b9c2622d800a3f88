"""Check a workbook's YAQL against Mistral 2.0.0's evaluator: yaql 1.1.0 and
the functions Mistral 2.0.0 registers. Runs on Python 2.7 in
.venv/mitaka-mistral (yaql 1.1.0 cannot import on Python 3.11).

Usage: mitaka_expressions.py WORKBOOK.yaml
Prints JSON: {"expressions": N, "unknown_functions": {name: [expression]},
"syntax_errors": [[expression, error]]}.
"""

from __future__ import print_function

import json
import re
import sys

import yaml
from yaql.language import expressions

from mistral import expressions as mistral_expressions
from mistral.utils import yaql_utils

EXPRESSION = re.compile(r'<%(.*?)%>', re.S)


def strings(node):
    if isinstance(node, dict):
        for pair in node.items():
            for found in strings(list(pair)):
                yield found
    elif isinstance(node, list):
        for item in node:
            for found in strings(item):
                yield found
    elif isinstance(node, basestring):  # noqa: F821 (Python 2)
        yield node


def function_names(node):
    """Every function and method an expression calls, operators included."""
    if isinstance(node, expressions.Statement):
        return function_names(node.expression)
    if isinstance(node, expressions.Function):
        names = {node.name}
        for arg in node.args:
            names |= function_names(arg)
        return names
    if isinstance(node, expressions.MappingRuleExpression):
        return function_names(node.source) | function_names(node.destination)
    if isinstance(node, expressions.Wrap):
        return function_names(node.expr)
    return set()


def main(path):
    with open(path) as f:
        workbook = yaml.safe_load(f)
    context = yaql_utils.get_yaql_context({})
    found = [e.strip() for s in strings(workbook) for e in EXPRESSION.findall(s)]
    unknown, errors = {}, []
    for expression in found:
        try:
            parsed = mistral_expressions.YAQL_ENGINE(expression)
        except Exception as error:  # yaql's parse errors have no common base
            errors.append([expression, '{}: {}'.format(type(error).__name__, error)])
            continue
        for name in function_names(parsed):
            if not context.collect_functions(name):
                unknown.setdefault(name, []).append(expression)
    print(json.dumps({'expressions': len(found), 'unknown_functions': unknown,
                      'syntax_errors': errors}))


if __name__ == '__main__':
    main(sys.argv[1])
