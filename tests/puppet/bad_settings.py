"""Building blocks of the invalid-settings tests: changes to the settings,
and the check that no piece of the key was shown."""

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


def key_material(service_account_key):
    """Pieces of the key that must never be shown: each line of the PEM
    body, long enough to be unambiguous."""
    pem = json.loads(service_account_key)['private_key']
    return [line for line in pem.splitlines() if len(line) > 40]


def assert_no_key_material(service_account_key, *texts):
    pieces = key_material(service_account_key)
    assert pieces
    for text in texts:
        for piece in pieces:
            assert piece not in text
