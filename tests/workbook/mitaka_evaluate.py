"""Evaluate workbook expressions as Mistral 2.0.0 does: its yaql engine
(yaql 1.1.0) and its context, with its functions. Runs on Python 2.7 in
.venv/mitaka-mistral (yaql 1.1.0 cannot import on Python 3.11).

Reads one JSON request per line on stdin: {"expression": ..., "data": {...},
"now": POSIX time or null, "returns": {function name: what it returns}}; the
functions in "returns" (Mistral's execution() and task(), yaql's now()) stand
in for those of a running engine. Writes one JSON line per request:
{"result": ...} or {"error": "..."}.

A request {"field": value, "limit_kb": N} asks how Mistral 2.0.0 sizes a
field of an execution (its input, output, params or published): the result
is {"bytes": its size as 2.0.0 counts it, "fits": whether 2.0.0's own check
lets it be stored under an execution_field_size_limit_kb of N}.
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


def field_size(request):
    from mistral import exceptions
    from mistral.config import CONF
    from mistral.db.v2.sqlalchemy import models
    CONF.set_override('execution_field_size_limit_kb', request['limit_kb'], 'engine')
    try:
        models.validate_long_type_length(models.TaskExecution, 'published', request['field'])
        fits = True
    except exceptions.SizeLimitExceededException:
        fits = False
    # The measure 2.0.0's check takes (models.py), to say by how much.
    return {'bytes': sys.getsizeof(str(request['field'])), 'fits': fits}


def main():
    for line in iter(sys.stdin.readline, ''):
        try:
            request = json.loads(line)
            answer = {'result': field_size(request) if 'field' in request else evaluate(request)}
        except Exception as error:  # the test shows what 2.0.0 would raise
            answer = {'error': '{}: {}'.format(type(error).__name__, error)}
        print(json.dumps(answer, default=str))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
