"""Three judges of the plugin's settings, one table of values an operator
might enter (support/settings_values.py, plus environments without a Cinder
volume back end):

- the Fuel UI: its own expression code, run in Node, and around it its
  settings check re-implemented (support/fuel_ui.py);
- Nailgun: Python's `re.search` of each setting's regex, which its
  validators run on every value it is sent; it does not enforce a
  restriction (tests/fuel_master/ holds Fuel 9.1 and later to both);
- the deploy-time check on the nodes (PuppetX::CinderGcs::Settings, what
  the check task's cinder_gcs_validate_settings() runs), in Ruby with
  Debian's Puppet 7 loaded.

Each row gets the verdict it should from each, but where a judge knows
less, as stated here: the check knows rules no regex can say
(DEPLOY_TIME_ONLY, and the key's fields), and Nailgun lets a restriction
through. A value added to one side only fails here, not at an operator's
deployment.
"""

import re

import pytest

from support.fuel_ui import UI, UI_90, judge
from support.project import PLUGIN_NAME
from support.puppet_checks import run_checks
from support.settings_values import TABLES

KEY = 'gcs_service_account_key'
# UI-good values that only the deploy-time check refuses (a rule no regex
# can say), with the words of the UI's description that state the rule.
DEPLOY_TIME_ONLY = {
    ('backup_gcs_writer_chunk_size', '1'): 'a multiple of 262144 (256 KiB)',
}
# Object size must be a multiple of block size: a value the UI accepts for
# one is tried with the other set to the same value, so that only the value
# itself is judged.
PAIRED = {'backup_gcs_object_size': 'backup_gcs_block_size',
          'backup_gcs_block_size': 'backup_gcs_object_size'}
LVM = {'volumes_lvm': True, 'volumes_ceph': False}
NO_VOLUMES = {'volumes_lvm': False, 'volumes_ceph': False}
RESTRICTION = 'Cinder backups need Cinder volumes'


def typed(settings, name, value, good):
    changed = dict(settings, show_advanced=True, **{name: value})
    if good and name in PAIRED:
        changed[PAIRED[name]] = value
    return changed


# (id, storage, setting changed or None, value, the row is good)
ROWS = [('{}:{}:{}'.format(name, 'good' if good else 'bad', why), LVM, name, value, good)
        for name, (good_rows, bad_rows) in TABLES.items()
        for good, rows in ((True, good_rows), (False, bad_rows)) for why, value in rows]
ROWS += [('no-volume-back-end:lvm-and-ceph-off', NO_VOLUMES, None, None, False),
         ('ceph-volumes-only', {'volumes_lvm': False, 'volumes_ceph': True}, None, None, True)]


def ui_sections(env_config, settings, storage):
    """The settings tab's sections: Fuel's storage checkboxes, and the
    plugin, enabled, with its attributes (environment_config.yaml) and
    these values."""
    plugin = {name: dict(attr, value=settings[name])
              for name, attr in env_config['attributes'].items() if name != 'metadata'}
    plugin['metadata'] = dict(env_config['attributes']['metadata'], enabled=True)
    return {'storage': {name: {'value': on} for name, on in storage.items()},
            PLUGIN_NAME: plugin}


def nailgun_errors(plugin_settings, settings):
    return ['[{}] {}'.format(name, attr['regex']['error'])
            for name, attr in plugin_settings.items()
            if 'regex' in attr and not re.search(attr['regex']['source'], settings[name])]


@pytest.fixture(scope='module')
def verdicts(default_settings, env_config, plugin_settings):
    """{row id: (UI errors, Nailgun errors, the check's message)}."""
    cases = [(storage, default_settings if name is None
              else typed(default_settings, name, value, good))
             for _, storage, name, value, good in ROWS]
    ui = judge([ui_sections(env_config, settings, storage) for storage, settings in cases])
    checked = run_checks([settings for _, settings in cases],
                         [storage for storage, _ in cases])['messages']
    nailgun = [nailgun_errors(plugin_settings, settings) for _, settings in cases]
    return dict(zip([row[0] for row in ROWS], zip(ui, nailgun, checked)))


@pytest.fixture(scope='module')
def check_constants():
    return run_checks([])


def test_every_regex_has_a_table(plugin_settings):
    with_regex = {name for name, attr in plugin_settings.items() if 'regex' in attr}
    assert with_regex == set(TABLES)
    for name, (good, bad) in TABLES.items():
        assert len(good) >= 5 and len(bad) >= 5, name


def test_the_ui_code_is_the_same_at_90_and_mitaka_eol():
    """The judge runs mitaka-eol's code: it stands for every Fuel 9."""
    for name in ('expression.js', 'expression/objects.js', 'expression/parser.js'):
        assert (UI / name).read_bytes() == (UI_90 / name).read_bytes(), name


@pytest.mark.parametrize('row_id, storage, name, value, good', ROWS, ids=[r[0] for r in ROWS])
def test_the_judges_agree(verdicts, env_config, plugin_settings, row_id, storage, name, value,
                          good):
    ui, nailgun, checked = verdicts[row_id]
    if name is None:
        if good:
            assert (ui, nailgun, checked) == ([], [], None)
        else:
            restriction, = env_config['attributes']['metadata']['restrictions']
            assert RESTRICTION in restriction['message']
            assert ui == ['{} cannot be enabled: {}'.format(PLUGIN_NAME, restriction['message'])]
            assert nailgun == [], 'Nailgun enforces no restriction'
            assert checked.startswith('fuel-plugin-cinder-gcs: the plugin is enabled but the '
                                      'environment has no Cinder volume back end'), checked
        return
    error = plugin_settings[name]['regex']['error']
    if good:
        assert ui == [], 'Fuel UI'
        assert nailgun == [], 'Nailgun'
    else:
        assert ui == ['{}.{}: {}'.format(PLUGIN_NAME, name, error)], 'Fuel UI'
        assert nailgun == ['[{}] {}'.format(name, error)], 'Nailgun'
    prefix = 'fuel-plugin-cinder-gcs: setting {} '.format(name)
    if not good:
        assert checked is not None and checked.startswith(prefix), 'accepted on the node'
    elif name == KEY or (name, value) in DEPLOY_TIME_ONLY:
        assert checked is None or checked.startswith(prefix), checked
    else:
        assert checked is None, 'refused on the node: {}'.format(checked)


def test_the_same_storage_classes(check_constants, plugin_settings):
    offered = [choice['data'] for choice in plugin_settings['backup_gcs_storage_class']['values']]
    assert sorted(offered) == sorted(check_constants['storage_classes'])


def ui_source(pattern):
    """A deploy-time pattern as the UI writes it: ^ for \\A, and for the
    final \\z the end that JavaScript and Python agree on, $(?!\\n); the
    bucket's lookaheads anchor at the end too, with $ alone (a line break
    there fails the final anchor anyway)."""
    assert pattern.startswith('\\A') and pattern.endswith('\\z'), pattern
    return pattern[:-2].replace('\\A', '^').replace('\\z', '$') + '$(?!\\n)'


def test_the_same_patterns(check_constants, plugin_settings):
    for name, pattern in check_constants['patterns'].items():
        assert ui_source(pattern) == plugin_settings[name]['regex']['source'], name


def test_deploy_time_only_rules_are_said_in_the_ui(plugin_settings):
    """The UI cannot refuse these values: its description states the rule."""
    for (name, _), rule in DEPLOY_TIME_ONLY.items():
        assert rule in plugin_settings[name]['description'], name
