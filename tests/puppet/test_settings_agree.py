"""The Fuel UI and the deploy-time checks agree on every setting.

The UI (environment_config.yaml) refuses what its regexes refuse and offers
the storage classes of its list; cinder_gcs_validate_settings() checks again
on the node, where settings also arrive through Nailgun's API without the
UI. Each value of support/settings_values.py, typed into the UI's defaults,
gets the same verdict from both, but where the deploy-time check knows more
than a regex can say (DEPLOY_TIME_ONLY): a value added to one side only
fails here, not at an operator's deployment.
"""

import pytest

from support.puppet_checks import run_checks
from support.settings_values import TABLES

# UI-good values that only the deploy-time check refuses (a rule no regex
# can say), with the words of the UI's description that state the rule.
DEPLOY_TIME_ONLY = {
    ('backup_gcs_writer_chunk_size', '1'): 'a multiple of 262144 (256 KiB)',
}
# The UI takes any JSON object of type service_account; the node checks the
# key's fields as well (tests/puppet/test_settings_validation.py).
KEY = 'gcs_service_account_key'
# Object size must be a multiple of block size: a value the UI accepts for
# one is tried with the other set to the same value, so that only the value
# itself is judged.
PAIRED = {'backup_gcs_object_size': 'backup_gcs_block_size',
          'backup_gcs_block_size': 'backup_gcs_object_size'}


def ui_source(pattern):
    """A deploy-time pattern as the UI writes it: ^ and $ for every \\A and
    \\z (the bucket's lookaheads anchor at the end too)."""
    assert pattern.startswith('\\A') and pattern.endswith('\\z'), pattern
    return pattern.replace('\\A', '^').replace('\\z', '$')


def typed(settings, name, value, ui_accepts):
    changed = dict(settings, **{name: value})
    if ui_accepts and name in PAIRED:
        changed[PAIRED[name]] = value
    return changed


ROWS = [(name, value, ui_accepts) for name, (good, bad) in TABLES.items()
        for ui_accepts, rows in ((True, good), (False, bad)) for _, value in rows]


@pytest.fixture(scope='module')
def checked(default_settings):
    """The deploy-time checks: their constants, and their verdict on each
    row of the tables typed into the defaults."""
    found = run_checks([typed(default_settings, *row) for row in ROWS])
    found['verdicts'] = {(name, value): message for (name, value, _), message
                         in zip(ROWS, found.pop('messages'))}
    return found


def test_the_same_storage_classes(checked, plugin_settings):
    offered = [choice['data'] for choice in plugin_settings['backup_gcs_storage_class']['values']]
    assert sorted(offered) == sorted(checked['storage_classes'])


def test_the_same_patterns(checked, plugin_settings):
    for name, pattern in checked['patterns'].items():
        assert ui_source(pattern) == plugin_settings[name]['regex']['source'], name


@pytest.mark.parametrize('name, value, ui_accepts', ROWS,
                         ids=['{}={!r}'.format(name, value[:40]) for name, value, _ in ROWS])
def test_the_same_verdict(checked, name, value, ui_accepts):
    message = checked['verdicts'][(name, value)]
    if not ui_accepts:
        assert message is not None, 'accepted on the node, refused in the UI'
        assert message.startswith('fuel-plugin-cinder-gcs: setting {} '.format(name)), message
    elif name == KEY or (name, value) in DEPLOY_TIME_ONLY:
        assert message is None or message.startswith(
            'fuel-plugin-cinder-gcs: setting {} '.format(name)), message
    else:
        assert message is None, 'accepted in the UI, refused on the node'


def test_deploy_time_only_rules_are_said_in_the_ui(plugin_settings):
    """The UI cannot refuse these values: its description states the rule."""
    for (name, _), rule in DEPLOY_TIME_ONLY.items():
        assert rule in plugin_settings[name]['description'], name
