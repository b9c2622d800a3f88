"""Fixtures for the workbook tests: the workbook and the two Mistral parsers
that tools/install-mistral-parsers.sh installs in their own environments."""

import os
import pathlib
import subprocess

import pytest
import yaml

from conftest import REPO, VENV_ROOT

WORKBOOK = REPO / 'examples' / 'mistral_workbook.yaml'
PARSE_SCRIPT = pathlib.Path(__file__).with_name('parse_workbook.py')
MITAKA_VERSION = '2.0.0'


class Parser:
    """One Mistral release's workbook parser, run as a subprocess in its venv."""

    def __init__(self, flavour, python, pythonpath=None):
        self.flavour = flavour
        self.python = python
        self.pythonpath = pythonpath

    def parse(self, path):
        env = dict(os.environ, PYTHONWARNINGS='ignore')
        if self.pythonpath:
            env['PYTHONPATH'] = str(self.pythonpath)
        return subprocess.run(
            [str(self.python), str(PARSE_SCRIPT), self.flavour, str(path)],
            capture_output=True, text=True, env=env, timeout=120)


def _parser(flavour, venv, pythonpath=None):
    python = VENV_ROOT / venv / 'bin' / 'python'
    if not python.exists() or (pythonpath and not pythonpath.is_dir()):
        pytest.fail('the {} Mistral parser is missing: run '
                    'tools/install-deps.sh'.format(flavour))
    return Parser(flavour, python, pythonpath)


@pytest.fixture(scope='session')
def current_parser():
    return _parser('current', 'mistral')


@pytest.fixture(scope='session')
def mitaka_parser():
    src = VENV_ROOT / 'mistral-mitaka' / 'src' / ('mistral-' + MITAKA_VERSION)
    return _parser('mitaka', 'mistral-mitaka', src)


@pytest.fixture(scope='session')
def workbook_text():
    return WORKBOOK.read_text()


@pytest.fixture(scope='session')
def workbook(workbook_text):
    return yaml.safe_load(workbook_text)
