"""The plugin's settings as the Fuel UI shows and checks them
(environment_config.yaml): structure checks fpb does not do."""

import base64
import re
import subprocess

import pytest

from support.project import DRIVER_DEFAULTS

# Fuel 9 settings outside the plugin that its restrictions may name.
FUEL_STORAGE_SETTINGS = {'volumes_lvm', 'volumes_ceph'}

FUEL_UI_TYPES = {'text', 'password', 'checkbox', 'select', 'textarea',
                 'radio'}


# Settings without a sensible default: their empty default fails the regex,
# so the Fuel UI will not save the environment until the operator fills them.
REQUIRED = {'backup_gcs_project_id', 'backup_gcs_bucket',
            'gcs_service_account_key'}

ADVANCED_CONDITION = \
    'settings:fuel-plugin-cinder-gcs.show_advanced.value == false'


def conditions(attr):
    for restriction in attr.get('restrictions', []):
        if isinstance(restriction, dict) and 'condition' in restriction:
            yield restriction['condition']
        elif isinstance(restriction, dict):
            yield from restriction.keys()
        else:
            yield restriction


def all_conditions(env_config):
    for attr in env_config['attributes'].values():
        yield from conditions(attr)


def test_every_setting_is_complete(plugin_settings):
    for name, attr in plugin_settings.items():
        missing = {'label', 'description', 'weight', 'value', 'type'} \
            - set(attr)
        assert not missing, '{} lacks {}'.format(name, missing)
        assert attr['type'] in FUEL_UI_TYPES, name
        assert attr['label'].strip() and attr['description'].strip(), name


def test_weights_are_unique(plugin_settings):
    weights = [attr['weight'] for attr in plugin_settings.values()]
    assert len(weights) == len(set(weights))


def test_restrictions_name_existing_settings(env_config, plugin_settings):
    found = []
    for condition in all_conditions(env_config):
        for scope, name in re.findall(
                r'settings:([\w-]+)\.(\w+)\.value', condition):
            found.append(name)
            if scope == 'fuel-plugin-cinder-gcs':
                assert name in plugin_settings, condition
            else:
                assert scope == 'storage', condition
                assert name in FUEL_STORAGE_SETTINGS, condition
    assert found, 'no restriction names a setting'


def test_plugin_requires_cinder_volumes(env_config):
    """Without LVM or Ceph volumes there is no cinder-backup to configure."""
    condition = ' '.join(conditions(env_config['attributes']['metadata']))
    assert 'volumes_lvm.value == false' in condition
    assert 'volumes_ceph.value == false' in condition


def test_advanced_settings_are_hidden_until_asked_for(plugin_settings):
    advanced = {name for name, attr in plugin_settings.items()
                if ADVANCED_CONDITION in conditions(attr)}
    assert advanced == set(DRIVER_DEFAULTS) - {
        'backup_gcs_bucket_location', 'backup_gcs_storage_class'}
    for name in advanced:
        assert plugin_settings[name]['weight'] > \
            plugin_settings['show_advanced']['weight'], name
    assert plugin_settings['show_advanced']['value'] is False


@pytest.mark.parametrize('name', sorted(DRIVER_DEFAULTS))
def test_default_is_the_drivers_own(plugin_settings, name):
    assert plugin_settings[name]['value'] == DRIVER_DEFAULTS[name]


def test_defaults_pass_their_own_regex(plugin_settings):
    for name, attr in plugin_settings.items():
        if 'regex' not in attr or name in REQUIRED:
            continue
        assert re.search(attr['regex']['source'], attr['value']), name


@pytest.mark.parametrize('name', sorted(REQUIRED))
def test_required_setting_must_be_filled_in(plugin_settings, name):
    attr = plugin_settings[name]
    assert attr['value'] == ''
    assert not re.search(attr['regex']['source'], '')


def test_select_default_is_offered(plugin_settings):
    for name, attr in plugin_settings.items():
        if attr['type'] == 'select':
            assert attr['value'] in [v['data'] for v in attr['values']], name


def test_storage_classes_offer_current_and_legacy(plugin_settings):
    values = plugin_settings['backup_gcs_storage_class']['values']
    labels = {v['data']: v['label'] for v in values}
    current = ['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE']
    legacy = ['MULTI_REGIONAL', 'REGIONAL', 'DURABLE_REDUCED_AVAILABILITY']
    assert list(labels)[:4] == current
    assert set(labels) == set(current + legacy)
    for data in legacy:
        assert 'legacy' in labels[data].lower()


def test_sizes_say_their_unit(plugin_settings):
    sizes = [name for name in plugin_settings if name.endswith('_size')]
    assert len(sizes) == 4
    for name in sizes:
        assert '(bytes)' in plugin_settings[name]['label'], name


def test_service_account_key_is_not_shown_in_clear(plugin_settings):
    assert plugin_settings['gcs_service_account_key']['type'] == 'password'


def password_field_value(pasted):
    """What a browser keeps of text pasted into <input type=password>: the
    HTML standard's value sanitization strips every CR and LF."""
    return pasted.replace('\r', '').replace('\n', '')


def test_key_pasted_in_base64_is_the_key_file(service_account_key, plugin_settings):
    """The guide's command (`base64 -w0`) and plain `base64`, whose lines of
    76 the password field joins, give the same value; it passes the UI's
    regex and decodes to the file byte for byte. The JSON itself does not
    pass: Fuel 9.0 and 9.1 cannot save it (Nailgun formats it with
    str.format)."""
    base64_w0 = subprocess.run(['base64', '-w0'], input=service_account_key.encode(),
                               capture_output=True, check=True).stdout.decode()
    wrapped = subprocess.run(['base64'], input=service_account_key.encode(),
                             capture_output=True, check=True).stdout.decode()
    assert '\n' in wrapped.strip()
    assert password_field_value(wrapped) == base64_w0
    assert base64.b64decode(base64_w0) == service_account_key.encode()
    regex = plugin_settings['gcs_service_account_key']['regex']['source']
    assert re.search(regex, base64_w0)
    for pasted in (service_account_key, password_field_value(service_account_key)):
        assert not re.search(regex, pasted)


def test_no_label_or_description_holds_a_brace(env_config):
    """Nailgun formats every string of a plugin's settings but the regexes
    (str.format): a brace there would fail the save on Fuel 9.0 and 9.1."""
    def strings(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key != 'regex':
                    yield from strings(value, path + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from strings(value, path + [index])
        elif isinstance(node, str):
            yield path, node
    found = list(strings(env_config['attributes'], []))
    assert len(found) > 40
    assert [path for path, text in found if '{' in text or '}' in text] == []
