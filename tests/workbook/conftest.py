"""Fixtures for the workbook tests: the workbook, two Mistral releases'
parsers, each run in its own environment: the current Mistral's
(tools/install-mistral-parsers.sh) and Mistral 2.0.0's, on Python 2.7 at
Mitaka's pins (tools/install-py27.sh), and the workbook's expressions
evaluated by the current yaql and by Mistral 2.0.0's."""

import datetime
import functools
import json
import os
import pathlib
import re
import subprocess
import tempfile

import pytest
import yaml
import yaql

from support.project import REPO, VENV_ROOT

WORKBOOK = REPO / 'examples' / 'mistral_workbook.yaml'
PARSE_SCRIPT = pathlib.Path(__file__).with_name('parse_workbook.py')
MITAKA_EXPRESSIONS_SCRIPT = pathlib.Path(__file__).with_name('mitaka_expressions.py')
MITAKA_EVALUATE_SCRIPT = pathlib.Path(__file__).with_name('mitaka_evaluate.py')
EXPRESSION = re.compile(r'<%(.*?)%>', re.S)


class Parser:
    """One Mistral release's workbook parser, run as a subprocess in its venv."""

    def __init__(self, flavour, python):
        self.flavour = flavour
        self.python = python

    def run_script(self, script, *args):
        return subprocess.run(
            [str(self.python), str(script), *map(str, args)], capture_output=True, text=True,
            env=dict(os.environ, PYTHONWARNINGS='ignore'), timeout=120)

    def parse(self, path):
        return self.run_script(PARSE_SCRIPT, self.flavour, path)


def _python(flavour, venv):
    python = VENV_ROOT / venv / 'bin' / 'python'
    if not python.exists():
        pytest.fail('the {} Mistral parser is missing: run '
                    'tools/install-deps.sh'.format(flavour))
    return python


def _parser(flavour, venv):
    return Parser(flavour, _python(flavour, venv))


def _returning(value):
    return lambda *args: value


class CurrentYaql:
    """The current yaql in this process; RETURNS stand in for Mistral's
    functions (execution(), task(), env()) and NOW, a POSIX time, for now()."""

    def __init__(self):
        # The retry policies' tests evaluate a few expressions thousands of
        # times: each is parsed once, and yaql's functions registered once.
        self.parse = functools.lru_cache()(yaql.factory.YaqlFactory().create())
        self.root = yaql.create_context()

    def __call__(self, expression_text, data, now=None, returns=None):
        context = self.root.create_child_context()
        for name, value in (returns or {}).items():
            context.register_function(_returning(value), name=name)
        if now is not None:
            context.register_function(_returning(datetime.datetime.fromtimestamp(
                now, datetime.timezone.utc)), name='now')
        return self.parse(EXPRESSION.search(expression_text).group(1)).evaluate(
            data=data, context=context)


class MitakaYaql:
    """Mistral 2.0.0's evaluation (yaql 1.1.0 in its context, Python 2.7) in
    one process of mitaka_evaluate.py; the same call as CurrentYaql's. An
    expression 2.0.0 cannot evaluate raises MitakaYaqlError."""

    def __init__(self, python):
        self.stderr = tempfile.TemporaryFile(mode='w+')
        self.process = subprocess.Popen(
            [str(python), str(MITAKA_EVALUATE_SCRIPT)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True,
            env=dict(os.environ, PYTHONWARNINGS='ignore'))

    def __call__(self, expression_text, data, now=None, returns=None):
        return self._ask({'expression': EXPRESSION.search(expression_text).group(1),
                          'data': data, 'now': now, 'returns': returns or {}})

    def field_size(self, field, limit_kb):
        """{'bytes': the size of FIELD as Mistral 2.0.0 counts it, 'fits':
        whether 2.0.0 stores it under execution_field_size_limit_kb=LIMIT_KB}."""
        return self._ask({'field': field, 'limit_kb': limit_kb})

    def _ask(self, request):
        self.process.stdin.write(json.dumps(request) + '\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.stderr.seek(0)
            pytest.fail('mitaka_evaluate.py ended:\n' + self.stderr.read())
        answer = json.loads(line)
        if 'error' in answer:
            raise MitakaYaqlError(answer['error'])
        return answer['result']

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.stderr.close()


class MitakaYaqlError(Exception):
    pass


@pytest.fixture(scope='session')
def mitaka_yaql():
    evaluator = MitakaYaql(_python('mitaka', 'mitaka-mistral'))
    yield evaluator
    evaluator.close()


@pytest.fixture(scope='session')
def current_yaql():
    return CurrentYaql()


@pytest.fixture(params=['current_yaql', 'mitaka_yaql'],
                ids=['yaql-current', 'mistral-2.0.0-yaql-1.1.0'])
def evaluate(request):
    """A workbook expression (its ``<% %>`` text) evaluated by the current
    yaql and, as a second run of the test, as Mistral 2.0.0 evaluates it."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope='session')
def current_parser():
    return _parser('current', 'mistral')


@pytest.fixture(scope='session')
def mitaka_parser():
    return _parser('mitaka', 'mitaka-mistral')


@pytest.fixture(scope='session')
def workbook_text():
    return WORKBOOK.read_text()


@pytest.fixture(scope='session')
def workbook(workbook_text):
    return yaml.safe_load(workbook_text)
