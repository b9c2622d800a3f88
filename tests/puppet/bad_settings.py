"""Building blocks of the invalid-settings tests: changes to the settings
(support.keys checks that no piece of the key was shown)."""

import json

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
