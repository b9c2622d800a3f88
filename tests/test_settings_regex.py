"""Every regex of the Fuel UI settings, evaluated as the Fuel UI does
(JavaScript: `new RegExp(source).test(value)`) and with Python's `re`.

Each row of support/settings_values.py is a value an operator might type;
the id says why it must pass or fail.
"""

import json
import re
import shutil
import subprocess

import pytest

from support.settings_values import TABLES

ROWS = [(name, value, expected, '{}:{}:{}'.format(
            name, 'good' if expected else 'bad', why))
        for name, (good, bad) in TABLES.items()
        for expected, rows in ((True, good), (False, bad))
        for why, value in rows]

NODE_TEST = '''
let cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(c => new RegExp(c[0]).test(c[1]))));
'''


@pytest.fixture(scope='module')
def regex_of(plugin_settings):
    return {name: plugin_settings[name]['regex']['source'] for name in TABLES}


@pytest.fixture(scope='module')
def javascript_verdicts(regex_of):
    """Every row evaluated by Node in one run, keyed by row id."""
    node = shutil.which('node') or shutil.which('nodejs')
    if node is None:
        pytest.fail('node is not installed: run tools/install-deps.sh')
    cases = [[regex_of[name], value] for name, value, _, _ in ROWS]
    result = subprocess.run([node, '-e', NODE_TEST], input=json.dumps(cases),
                            capture_output=True, text=True, check=True)
    return dict(zip([row_id for *_, row_id in ROWS],
                    json.loads(result.stdout)))


def test_every_regex_has_a_table(plugin_settings):
    with_regex = {name for name, attr in plugin_settings.items()
                  if 'regex' in attr}
    assert with_regex == set(TABLES)
    for name, (good, bad) in TABLES.items():
        assert len(good) >= 5 and len(bad) >= 5, name


@pytest.mark.parametrize('name,value,expected,row_id', ROWS,
                         ids=[row[-1] for row in ROWS])
def test_regex(regex_of, javascript_verdicts, name, value, expected, row_id):
    assert javascript_verdicts[row_id] is expected, 'Fuel UI (JavaScript)'
    assert bool(re.search(regex_of[name], value)) is expected, 'Python re'
