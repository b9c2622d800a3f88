"""The configuration chapter documents every Fuel UI setting of
environment_config.yaml under its UI label, with its real default."""

import pytest
import yaml

from support.project import REPO
from .helpers import rst_fields, rst_sections

SETTINGS = {name: attr for name, attr in yaml.safe_load(
    (REPO / 'environment_config.yaml').read_text())['attributes'].items()
    if name != 'metadata'}


@pytest.fixture(scope='module')
def documented():
    """{setting: (section title, fields)} of the configuration chapter."""
    sections = rst_sections((REPO / 'doc' / 'configuration.rst').read_text())
    found = {}
    for title, body in sections.items():
        fields = rst_fields(body)
        if 'Setting' in fields:
            found[fields['Setting'].strip('`')] = (title, fields)
    return found


def shown_default(attr):
    """How the chapter writes a setting's default."""
    if attr['type'] == 'checkbox':
        return 'checked' if attr['value'] else 'unchecked'
    if attr['value'] == '':
        return 'empty (required)'
    return '``{}``'.format(attr['value'])


@pytest.mark.parametrize('name', sorted(SETTINGS))
def test_setting_is_documented_with_label_and_default(documented, name):
    attr = SETTINGS[name]
    assert name in documented, 'no section with ":Setting: ``{}``"'.format(
        name)
    title, fields = documented[name]
    assert title == attr['label']
    assert fields['Default'].split(' (')[0] == \
        shown_default(attr).split(' (')[0]
    assert fields.get('Valid values'), 'valid values are not given'


@pytest.mark.parametrize('name', sorted(n for n in SETTINGS
                                        if n.startswith('backup_gcs_')))
def test_cinder_conf_option_is_named(documented, name):
    assert documented[name][1]['cinder.conf'] == '``{}``'.format(name)


@pytest.mark.parametrize('name', sorted(n for n, a in SETTINGS.items()
                                        if a['type'] == 'select'))
def test_every_offered_value_is_documented(documented, name):
    valid = documented[name][1]['Valid values']
    for value in SETTINGS[name]['values']:
        assert '``{}``'.format(value['data']) in valid


def test_documented_settings_exist(documented):
    assert sorted(documented) == sorted(SETTINGS)
