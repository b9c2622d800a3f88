"""Fixtures for the workbook tests: the workbook and two Mistral releases'
parsers, each run in its own environment: the current Mistral's
(tools/install-mistral-parsers.sh) and Mistral 2.0.0's, on Python 2.7 at
Mitaka's pins (tools/install-py27.sh)."""

import os
import pathlib
import subprocess

import pytest
import yaml

from support.project import REPO, VENV_ROOT

WORKBOOK = REPO / 'examples' / 'mistral_workbook.yaml'
PARSE_SCRIPT = pathlib.Path(__file__).with_name('parse_workbook.py')
MITAKA_EXPRESSIONS_SCRIPT = pathlib.Path(__file__).with_name('mitaka_expressions.py')


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


def _parser(flavour, venv):
    python = VENV_ROOT / venv / 'bin' / 'python'
    if not python.exists():
        pytest.fail('the {} Mistral parser is missing: run '
                    'tools/install-deps.sh'.format(flavour))
    return Parser(flavour, python)


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
