"""Building blocks of the invalid-settings tables."""

import json

KEY = 'gcs_service_account_key'


def key_text(settings):
    return settings[KEY]


def with_key(**fields):
    """A change to the key document; a field set to None is removed."""
    def change(settings):
        key = json.loads(key_text(settings))
        key.update(fields)
        return dict(settings, **{KEY: json.dumps(
            {k: v for k, v in key.items() if v is not None})})
    return change


def setting(name, value):
    return lambda settings: dict(settings, **{name: value})
