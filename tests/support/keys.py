"""The service-account key's secret pieces, and the check that a text
shows none of them: Puppet's output and reports, Nailgun's logs, the
Fuel CLI's output."""

import json

from plugin_deployment import entered_key


def pieces(text):
    """Pieces of TEXT 40 characters long, one every 20: any 60 characters
    of TEXT shown hold one (none of a shorter text, which is no key)."""
    return [text[start:start + 40] for start in range(0, len(text) - 39, 20)]


def key_material(key_file, entered=None):
    """Pieces of the key that must never be shown, long enough to be
    unambiguous: each line of the PEM body of KEY_FILE, and pieces of the
    key as entered (by default KEY_FILE in base64; a test that enters
    something else names it)."""
    pem = json.loads(key_file)['private_key']
    return ([line for line in pem.splitlines() if len(line) > 40]
            + pieces(entered_key(key_file) if entered is None else entered))


def shown_key_material(key_file, text, entered=None):
    """The pieces of the key that TEXT shows."""
    return [piece for piece in key_material(key_file, entered) if piece in text]


def assert_no_key_material(key_file, *texts, entered=None):
    assert key_material(key_file, entered)
    for text in texts:
        assert not shown_key_material(key_file, text, entered)
