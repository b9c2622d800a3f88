"""The Fuel UI's judgement of the plugin's settings, in Node: the UI's own
expression language (fuel-ui's static/expression*.js at mitaka-eol, the
same code as at 9.0, from tools/install-fuel-master.sh) evaluates the
settings' restrictions, with lodash 3.9.3, which the UI bundles in place of
underscore. Around it, JUDGE re-implements what the settings tab does
with them (fuel-ui's models.js Settings.validate, controls.js
Input.validate): a group that is off or restricted is not checked, nor a
setting that is hidden or disabled, and every other setting's value must
match `new RegExp(regex.source)`; a plugin whose restriction holds cannot
be enabled (the UI locks its toggle: JUDGE reports it as an error).

The UI's modules are loaded as webpack builds them, by three changes made
at load time in a copy: `underscore` is lodash 3.9.3 (the UI's alias),
`expression/...` are the files beside (webpack's module root), and the
jison-generated parser, which is not strict-mode code, is a CommonJS
module that exports its parser (as the UI's exports loader makes it).
"""

import json
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from support.project import REPO

UI = REPO / '.cache' / 'fuel-master' / 'fuel-ui-mitaka-eol' / 'static'
UI_90 = REPO / '.cache' / 'fuel-master' / 'fuel-ui-9.0' / 'static'
LODASH = REPO / '.cache' / 'fuel-master' / 'node_modules' / 'lodash' / 'index.js'

JUDGE = r"""
import {readFileSync} from 'fs';
import Expression from './expression.js';

// STAND-IN for the UI's Backbone models, named as such: what an expression
// reads of them, get() of a dotted path (utils.deepGet in the UI).
class Model {
  constructor(attributes) { this.attributes = attributes; }
  get(path) {
    return path.split('.').reduce((value, key) => value == null ? undefined : value[key],
                                  this.attributes);
  }
}

// utils.expandRestriction
function expand(restriction) {
  if (typeof restriction === 'string') return {condition: restriction, action: 'disable'};
  if ('condition' in restriction) return Object.assign({action: 'disable'}, restriction);
  const [condition] = Object.keys(restriction);
  return {condition, action: 'disable', message: restriction[condition]};
}

// Settings.checkRestrictions: the messages of the restrictions that hold.
function holding(models, restrictions, actions) {
  return (restrictions || []).map(expand)
    .filter((r) => actions.includes(r.action))
    .filter((r) => new Expression(r.condition, models, r).evaluate())
    .map((r) => r.message || r.condition);
}

// Settings.validate, and the settings tab's toggle of a plugin.
function judge(settings) {
  const models = {settings: new Model(settings)};
  const errors = [];
  for (const [groupName, group] of Object.entries(settings)) {
    const locked = holding(models, (group.metadata || {}).restrictions, ['disable', 'hide']);
    if (group.metadata && group.metadata.enabled && locked.length) {
      errors.push(groupName + ' cannot be enabled: ' + locked.join(' '));
    }
    if ((group.metadata || {}).enabled === false || locked.length) continue;
    for (const [name, setting] of Object.entries(group)) {
      if (name === 'metadata' || holding(models, setting.restrictions, ['disable', 'hide']).length) {
        continue;
      }
      const regex = setting.regex || {};
      if (regex.source && !setting.value.match(new RegExp(regex.source))) {
        errors.push(groupName + '.' + name + ': ' + regex.error);
      }
    }
  }
  return errors;
}

const cases = JSON.parse(readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(judge)));
"""


def load_time_copy(static, target):
    """The UI's expression modules in TARGET, with the three load-time
    changes of the module docstring."""
    (target / 'expression').mkdir(parents=True)
    for name in ('expression.js', 'expression/objects.js'):
        text = (static / name).read_text()
        text = text.replace("from 'underscore'", "from '{}'".format(LODASH))
        text = text.replace("from 'expression/parser'", "from '{}'".format(
            './parser.cjs' if name.startswith('expression/') else './expression/parser.cjs'))
        text = text.replace("from 'expression/objects'", "from './expression/objects.js'")
        (target / name).write_text(text)
    (target / 'expression' / 'parser.cjs').write_text(
        (static / 'expression' / 'parser.js').read_text() + '\nmodule.exports = parser;\n')
    (target / 'package.json').write_text('{"type": "module"}\n')


def judge(cases):
    """For each case (the settings tab's sections: {section: {metadata: ...,
    setting: {value, regex, restrictions...}}}), the UI's errors: [] when
    it would save."""
    node = shutil.which('node') or shutil.which('nodejs')
    if node is None:
        pytest.fail('node is not installed: run tools/install-deps.sh')
    if not (UI / 'expression.js').exists() or not LODASH.exists():
        pytest.fail('the Fuel UI code is missing: run tools/install-fuel-master.sh')
    with tempfile.TemporaryDirectory() as directory:
        directory = pathlib.Path(directory)
        load_time_copy(UI, directory)
        (directory / 'judge.js').write_text(JUDGE)
        result = subprocess.run([node, str(directory / 'judge.js')], input=json.dumps(cases),
                                capture_output=True, text=True)
    if result.returncode:
        pytest.fail('the Fuel UI judge failed:\n' + result.stderr)
    return json.loads(result.stdout)
