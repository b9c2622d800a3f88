"""Evaluate workbook expressions as Mistral 2.0.0 does: its yaql engine
(yaql 1.1.0) and its context, with its functions. Runs on Python 2.7 in
.venv/mitaka-mistral (yaql 1.1.0 cannot import on Python 3.11).

Reads one JSON request per line on stdin: {"expression": ..., "data": {...},
"now": POSIX time or null, "returns": {function name: what it returns}}; the
functions in "returns" (Mistral's execution() and task(), yaql's now()) stand
in for those of a running engine. Writes one JSON line per request:
{"result": ...} or {"error": "..."}.
"""

from __future__ import print_function

import datetime
import json
import sys

from yaql.language import yaqltypes

from mistral import expressions
from mistral.utils import yaql_utils


def returning(value):
    return lambda *args: value


PARSED = {}


def parse(expression):
    # The retry policies' tests evaluate a few expressions thousands of times.
    if expression not in PARSED:
        PARSED[expression] = expressions.YAQL_ENGINE(expression)
    return PARSED[expression]


def evaluate(request):
    context = yaql_utils.get_yaql_context(request['data']).create_child_context()
    for name, value in request.get('returns', {}).items():
        context.register_function(returning(value), name=name)
    if request.get('now') is not None:
        context.register_function(returning(datetime.datetime.fromtimestamp(
            request['now'], yaqltypes.DateTime.utctz)), name='now')
    return parse(request['expression']).evaluate(context=context)


def main():
    for line in iter(sys.stdin.readline, ''):
        try:
            answer = {'result': evaluate(json.loads(line))}
        except Exception as error:  # the test shows what 2.0.0 would raise
            answer = {'error': '{}: {}'.format(type(error).__name__, error)}
        print(json.dumps(answer, default=str))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
