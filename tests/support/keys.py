"""The service-account key's secret pieces, and the check that a text
shows none of them: Puppet's output and reports, Nailgun's logs, the
Fuel CLI's output."""

import json

from plugin_deployment import entered_key


def key_material(key_file):
    """Pieces of the key that must never be shown, long enough to be
    unambiguous: each line of the PEM body, and pieces of the key as
    entered (base64), 40 characters every 20, so that any 60 characters
    of it shown hold one."""
    pem = json.loads(key_file)['private_key']
    entered = entered_key(key_file)
    return ([line for line in pem.splitlines() if len(line) > 40]
            + [entered[start:start + 40] for start in range(0, len(entered) - 40, 20)])


def shown_key_material(key_file, text):
    """The pieces of KEY_FILE's key that TEXT shows."""
    return [piece for piece in key_material(key_file) if piece in text]


def assert_no_key_material(key_file, *texts):
    assert key_material(key_file)
    for text in texts:
        assert not shown_key_material(key_file, text)
