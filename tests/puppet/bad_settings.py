"""Building blocks of the invalid-settings tests: changes to the settings
(support.keys checks that no piece of the key was shown)."""

import json

import pytest

from plugin_deployment import entered_key, key_file_of

KEY = 'gcs_service_account_key'


def key_text(settings):
    """The key file the settings' key stands for."""
    return key_file_of(settings[KEY])


def with_key_file(change):
    """A change to the key file (its text), entered again in base64."""
    return lambda settings: dict(settings, **{KEY: entered_key(change(key_text(settings)))})


def with_key(**fields):
    """A change to the key document; a field set to None is removed."""
    def change(text):
        key = json.loads(text)
        key.update(fields)
        return json.dumps({k: v for k, v in key.items() if v is not None})
    return with_key_file(change)


def setting(name, value):
    return lambda settings: dict(settings, **{name: value})


# End to end through Puppet (7 and 3.8.7): the cases the issue names, and
# the key's traps. tests/puppet/test_settings_validation.py checks every rule.
BAD_INPUTS = [
    pytest.param(lambda s: dict(s, **{KEY: key_text(s)}), KEY,
                 id='key pasted as the JSON file, not in base64'),
    pytest.param(with_key_file(lambda text: text.replace('"type"', 'type', 1)), KEY,
                 id='key is malformed JSON (the parser would quote the key)'),
    pytest.param(with_key(type='authorized_user'), KEY, id='key of a user, not a service account'),
    pytest.param(with_key(private_key=None), KEY, id='key without private_key'),
    pytest.param(with_key(private_key='MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'), KEY,
                 id='private_key is not PEM'),
    pytest.param(setting('backup_gcs_bucket', ''), 'backup_gcs_bucket', id='empty bucket'),
    pytest.param(setting('backup_gcs_storage_class', 'GLACIER'), 'backup_gcs_storage_class',
                 id='unknown storage class'),
    pytest.param(setting('backup_gcs_object_size', '52428801'), 'backup_gcs_object_size',
                 id='object size not a multiple of block size'),
    pytest.param(setting('backup_gcs_reader_chunk_size', '0'), 'backup_gcs_reader_chunk_size',
                 id='download chunk size 0'),
    pytest.param(setting('backup_gcs_retry_error_codes', '429, 200'),
                 'backup_gcs_retry_error_codes', id='retry code 200 is a success'),
]
