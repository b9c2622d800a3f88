"""The plugin's settings as an operator saves them on a Fuel master (the
guide's Configuration chapter): a real service-account key in the form
the guide gives saves on 9.0, 9.1, 9.2 and mitaka-eol, and saves again as
read back; each bad value of the settings tables is refused where Nailgun
checks values; and no warning, error or traceback of Nailgun or the CLI
shows any part of the key."""

import copy

import pytest

from support.keys import shown_key_material
from support.settings_values import TABLES

from .environments import (ENVIRONMENTS, Environment, plugin_section, plugin_values, set_plugin,
                           valid_settings)

# Nailgun 9.0 checks a plugin's values against the stored settings, not the
# ones a save sends (9.1 fixed it: PluginManager.inject_plugin_attribute_values).
CHECKING_VERSIONS = ['9.1', '9.2', 'mitaka-eol']
BAD = [(name, value) for name, (_, bad) in TABLES.items() for _, value in bad]


def test_valid_settings_are_saved_with_the_cli(environments, plugin_settings, service_account_key):
    """The three required settings filled in, the others at their defaults."""
    expected = dict({name: attr['value'] for name, attr in plugin_settings.items()},
                    **valid_settings(service_account_key))
    for environment in environments.values():
        settings = environment.download_settings()
        assert plugin_section(settings)['metadata']['enabled'] is True
        assert plugin_values(settings) == expected


def test_saved_settings_save_again_as_read_back(environments):
    """What the Fuel UI does at every save: it sends the settings it read,
    the key among them; and what `fuel settings` does with the file it
    downloaded."""
    environment = environments['lvm']
    before = plugin_values(environment.download_settings())
    environment.upload_settings(environment.download_settings())
    status, answer = environment.save_attributes(environment.attributes())
    assert status == 200, answer
    assert plugin_values(environment.download_settings()) == before


@pytest.mark.parametrize('master', CHECKING_VERSIONS, indirect=True)
def test_each_bad_value_is_refused_with_the_plugins_text(master, environments, plugin_settings):
    """The Fuel UI's save of the stored settings with one value changed,
    the advanced settings shown."""
    environment = environments['lvm']
    stored = environment.attributes()
    wrong = []
    for name, value in BAD:
        status, answer = environment.save_attributes(
            set_plugin(copy.deepcopy(stored), {name: value, 'show_advanced': True}))
        # '[<setting>] <text>'; for an empty value, which its own check
        # skips, Nailgun's check of restrictions words it 'Some
        # restrictions didn't pass verification: [<text>]'.
        if status != 400 or plugin_settings[name]['regex']['error'] not in answer['message']:
            wrong.append((name, value, status, answer))
    assert wrong == []
    assert environment.attributes() == stored


@pytest.mark.parametrize('master', CHECKING_VERSIONS, indirect=True)
def test_a_bad_upload_fails_the_cli_with_the_plugins_text(environments, plugin_settings):
    result = environments['lvm'].upload_plugin_settings(
        {'backup_gcs_bucket': 'my-google-backups'}, check=False)
    assert result.returncode == 1
    assert plugin_settings['backup_gcs_bucket']['regex']['error'] in result.stdout + result.stderr


@pytest.mark.parametrize('master', ['9.0'], indirect=True)
def test_fuel_90_takes_a_bad_value_then_refuses_every_save_until_it_is_corrected_beside(
        environments, plugin_settings):
    """What the guide's troubleshooting chapter says of Fuel 9.0: a bad value
    uploaded with the CLI is stored; from then on every save fails with that
    setting's message, the one that corrects it and the one that disables
    the plugin too, until an upload carries the corrected value also beside
    the plugin's metadata, where 9.0 looks for it."""
    environment = environments['lvm']
    good = plugin_values(environment.download_settings())
    environment.upload_plugin_settings({'backup_gcs_bucket': 'Bad_Bucket'})
    assert plugin_values(environment.download_settings())['backup_gcs_bucket'] == 'Bad_Bucket'
    message = plugin_settings['backup_gcs_bucket']['regex']['error']
    for refused in (environment.upload_plugin_settings({'backup_gcs_bucket': 'good-bucket'},
                                                       check=False),
                    environment.upload_plugin_settings({}, enabled=False, check=False)):
        assert refused.returncode == 1
        assert message in refused.stdout + refused.stderr
    settings = set_plugin(environment.download_settings(),
                          {'backup_gcs_bucket': good['backup_gcs_bucket']})
    plugin_section(settings)['backup_gcs_bucket'] = {'value': good['backup_gcs_bucket']}
    environment.upload_settings(settings)
    corrected = environment.download_settings()
    assert plugin_values(corrected) == good
    assert list(plugin_section(corrected)) == ['metadata']
    environment.upload_settings(corrected)


def test_no_warning_error_or_traceback_shows_the_key(master, service_account_key, tmp_path):
    """Install, saves, a bad value (refused, or on 9.0 taken and the next
    save refused), serialization for the nodes: Nailgun's records at
    WARNING and above, any traceback, and the CLI's output show no piece of
    the key. Fuel writes every request body at DEBUG (api.log): the key is
    there, as for every setting of every plugin, which proves the scan
    reads the log the key went through."""
    environment = Environment.create(master, 'key-scan', tmp_path, ENVIRONMENTS['lvm']['storage'],
                                     ['controller', 'cinder'])
    outputs = [master.installed.stdout + master.installed.stderr]
    for values in (valid_settings(service_account_key), {'backup_gcs_project_id': 'X'}, {}):
        result = environment.upload_plugin_settings(values, check=False)
        outputs.append(result.stdout + result.stderr)
    assert 'backup_gcs_project_id' in outputs[-1] + outputs[-2]
    environment.deployment_defaults()
    records = master.log_records()
    shown = [(level, name, text[:200]) for level, text, name in records
             if (level in ('WARNING', 'ERROR', 'CRITICAL') or 'Traceback' in text)
             and shown_key_material(service_account_key, text)]
    assert shown == []
    assert [output for output in outputs if shown_key_material(service_account_key, output)] == []
    assert any(level == 'DEBUG' and shown_key_material(service_account_key, text)
               for level, text, name in records if name == master.api_log.name)
