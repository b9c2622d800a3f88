"""Every rule of cinder_gcs_validate_settings(), the check that runs before
Puppet changes anything: good values pass, each bad one fails with a
message naming its setting and never quoting the key.

The rules run in one Ruby process with Puppet loaded, all cases at once;
test_backup_task.py shows end to end that a failure leaves the node alone.
"""

import base64
import json

import pytest

from plugin_deployment import entered_key
from support.keys import assert_no_key_material
from support.puppet_checks import run_checks

from .bad_settings import KEY, key_text, setting, with_key, with_key_file


def as_pkcs1_header(settings):
    pem = json.loads(key_text(settings))['private_key']
    return with_key(private_key=pem.replace('PRIVATE KEY', 'RSA PRIVATE KEY'))(settings)


def wrapped_base64(settings):
    """The key as `base64` prints it without -w0: lines of 76."""
    entered = settings[KEY]
    return dict(settings, **{KEY: '\n'.join(entered[i:i + 76] for i in range(0, len(entered), 76))})


def without_padding(settings):
    """The key's base64 with its '=' cut off; the key file is lengthened
    first when needed, as the throwaway RSA key leaves base64 unpadded in
    one run out of three."""
    text = key_text(settings)
    if len(text.encode()) % 3 == 0:
        text += '\n'
    return dict(settings, **{KEY: entered_key(text).rstrip('=')})


GOOD = [
    pytest.param(lambda s: s, id='the UI defaults'),
    pytest.param(setting('backup_gcs_project_id', 'example.com:backups-1'),
                 id='domain-scoped project ID'),
    pytest.param(setting('backup_gcs_bucket', 'backups.example.com'), id='bucket with dots'),
    pytest.param(setting('backup_gcs_bucket_location', 'NAM4'), id='dual-region location'),
    pytest.param(setting('backup_gcs_storage_class', 'ARCHIVE'), id='archive class'),
    pytest.param(lambda s: dict(s, backup_gcs_object_size='32768',
                                backup_gcs_block_size='32768'),
                 id='object size equal to block size'),
    pytest.param(setting('backup_gcs_writer_chunk_size', '-1'), id='upload in one request'),
    pytest.param(setting('backup_gcs_writer_chunk_size', '262144'), id='upload chunk 256 KiB'),
    pytest.param(setting('backup_gcs_num_retries', '0'), id='no retries'),
    pytest.param(setting('backup_gcs_num_retries', '10'), id='10 retries'),
    pytest.param(setting('backup_gcs_retry_error_codes', '429,500, 503'),
                 id='several retry codes'),
    pytest.param(setting('backup_gcs_enable_progress_timer', False), id='timer off'),
    pytest.param(setting('backup_gcs_enable_progress_timer', 'false'),
                 id='timer as the string Puppet 3 may pass'),
    pytest.param(with_key_file(lambda text: json.dumps(json.loads(text))),
                 id='key file on one line'),
    pytest.param(with_key_file(lambda text: text.replace('\n', '\r\n')),
                 id='key file with Windows line breaks'),
    pytest.param(as_pkcs1_header, id='key headed BEGIN RSA PRIVATE KEY (PKCS#1)'),
]

BAD = [
    # What a Hiera override without quotes gives: before, the number passed
    # as text and stopped Puppet's regsubst with a message naming nothing.
    pytest.param(setting('backup_gcs_retry_error_codes', 503), 'backup_gcs_retry_error_codes',
                 id='retry code as a number'),
    pytest.param(setting('backup_gcs_bucket', 20261207), 'backup_gcs_bucket',
                 id='bucket name as a number'),
    pytest.param(setting('backup_gcs_bucket_location', True), 'backup_gcs_bucket_location',
                 id='location as a boolean'),
    pytest.param(setting(KEY, ''), KEY, id='no key entered'),
    pytest.param(setting(KEY, None), KEY, id='key missing from Hiera'),
    pytest.param(lambda s: dict(s, **{KEY: key_text(s)}), KEY,
                 id='key pasted as the JSON file, not in base64'),
    pytest.param(wrapped_base64, KEY, id='key in base64 with line breaks'),
    pytest.param(lambda s: dict(s, **{KEY: s[KEY] + '\n'}), KEY,
                 id='key in base64 ending in a line break'),
    pytest.param(lambda s: dict(s, **{KEY: s[KEY][:100] + ' ' + s[KEY][100:]}), KEY,
                 id='key in base64 with a space inside'),
    pytest.param(without_padding, KEY, id='key in base64 without its padding'),
    pytest.param(lambda s: dict(s, **{KEY: s[KEY][:-8]}), KEY, id='key cut short'),
    pytest.param(with_key_file(lambda text: '[' + text + ']'), KEY,
                 id='base64 of a JSON list'),
    pytest.param(lambda s: dict(s, **{KEY: entered_key('"service_account"')}), KEY,
                 id='base64 of a JSON string'),
    pytest.param(lambda s: dict(s, **{KEY: entered_key('null')}), KEY, id='base64 of JSON null'),
    pytest.param(with_key_file(lambda text: text + ', ' + text), KEY,
                 id='base64 of two JSON documents'),
    pytest.param(lambda s: dict(s, **{KEY: entered_key('{"type": "service_account",')}), KEY,
                 id='base64 of malformed JSON'),
    pytest.param(lambda s: dict(s, **{KEY: base64.b64encode(b'{"type": "\xff"}').decode()}), KEY,
                 id='base64 of bytes that are not UTF-8'),
    pytest.param(with_key_file(lambda text: json.loads(text)['private_key']), KEY,
                 id='base64 of the PEM key alone'),
    pytest.param(with_key(type=None), KEY, id='key without type'),
    pytest.param(with_key(project_id=None), KEY, id='key without project_id'),
    pytest.param(with_key(private_key_id=''), KEY, id='key with an empty private_key_id'),
    pytest.param(with_key(client_email=None), KEY, id='key without client_email'),
    pytest.param(with_key(client_email='cinder-backup'), KEY, id='client_email without @'),
    pytest.param(with_key(token_uri='oauth2.googleapis.com/token'), KEY,
                 id='token_uri not a URL'),
    pytest.param(with_key(private_key=12345), KEY, id='private_key not a string'),
    pytest.param(setting('backup_gcs_project_id', 'My Project'), 'backup_gcs_project_id',
                 id='project name instead of ID'),
    pytest.param(setting('backup_gcs_project_id', 'abc'), 'backup_gcs_project_id',
                 id='project ID too short'),
    pytest.param(setting('backup_gcs_bucket', 'my-google-backups'), 'backup_gcs_bucket',
                 id='bucket containing google'),
    pytest.param(setting('backup_gcs_bucket', 'Backups'), 'backup_gcs_bucket',
                 id='bucket with uppercase'),
    pytest.param(setting('backup_gcs_bucket', '192.168.1.1'), 'backup_gcs_bucket',
                 id='bucket named like an IP address'),
    pytest.param(setting('backup_gcs_bucket', 'backups\nevil'), 'backup_gcs_bucket',
                 id='bucket with a line break'),
    pytest.param(setting('backup_gcs_bucket_location', 'europe west'),
                 'backup_gcs_bucket_location', id='location with a space'),
    pytest.param(setting('backup_gcs_storage_class', 'nearline'), 'backup_gcs_storage_class',
                 id='storage class in lowercase'),
    pytest.param(setting('backup_gcs_object_size', '0'), 'backup_gcs_object_size',
                 id='object size 0'),
    pytest.param(setting('backup_gcs_block_size', '-32768'), 'backup_gcs_block_size',
                 id='negative block size'),
    pytest.param(setting('backup_gcs_block_size', '32 KiB'), 'backup_gcs_block_size',
                 id='block size with a unit'),
    pytest.param(setting('backup_gcs_reader_chunk_size', '-1'), 'backup_gcs_reader_chunk_size',
                 id='download chunk -1 (uploads only)'),
    pytest.param(setting('backup_gcs_writer_chunk_size', '0'), 'backup_gcs_writer_chunk_size',
                 id='upload chunk 0'),
    pytest.param(setting('backup_gcs_writer_chunk_size', '1000000'),
                 'backup_gcs_writer_chunk_size', id='upload chunk not a multiple of 256 KiB'),
    pytest.param(setting('backup_gcs_num_retries', '11'), 'backup_gcs_num_retries',
                 id='more than 10 retries'),
    pytest.param(setting('backup_gcs_num_retries', 'three'), 'backup_gcs_num_retries',
                 id='retries in words'),
    pytest.param(setting('backup_gcs_retry_error_codes', '600'), 'backup_gcs_retry_error_codes',
                 id='retry code 600'),
    pytest.param(setting('backup_gcs_retry_error_codes', '429;503'),
                 'backup_gcs_retry_error_codes', id='retry codes separated by semicolons'),
    pytest.param(setting('backup_gcs_retry_error_codes', ''), 'backup_gcs_retry_error_codes',
                 id='no retry code'),
    pytest.param(setting('backup_gcs_retry_error_codes', '429,'), 'backup_gcs_retry_error_codes',
                 id='retry codes ending in a comma'),
    pytest.param(setting('backup_gcs_num_retries', '03'), 'backup_gcs_num_retries',
                 id='retries with a leading zero'),
    pytest.param(setting('backup_gcs_user_agent', ' cinder'), 'backup_gcs_user_agent',
                 id='user agent starting with a space'),
    pytest.param(setting('backup_gcs_user_agent', 'x' * 256), 'backup_gcs_user_agent',
                 id='user agent of 256 characters'),
    pytest.param(setting('backup_gcs_user_agent', 'cinder-{cluster.id}'), 'backup_gcs_user_agent',
                 id='user agent with braces (Nailgun would format them)'),
    pytest.param(setting('backup_gcs_storage_class', 'NEARLINE\n'), 'backup_gcs_storage_class',
                 id='storage class ending in a line break'),
    pytest.param(setting('backup_gcs_enable_progress_timer', 'yes'),
                 'backup_gcs_enable_progress_timer', id='timer not a boolean'),
]


@pytest.fixture(scope='module')
def outcomes(default_settings):
    """The check's message (None when it passed) for every case, by id."""
    cases = {case.id: case.values[0](default_settings) for case in GOOD + BAD}
    return dict(zip(cases, run_checks(list(cases.values()))['messages']))


@pytest.mark.parametrize('change', GOOD)
def test_valid_settings_pass(outcomes, request, change):
    assert outcomes[request.node.callspec.id] is None


@pytest.mark.parametrize('change, named_setting', BAD)
def test_invalid_setting_fails_naming_it_without_quoting_the_key(
        outcomes, request, default_settings, change, named_setting):
    message = outcomes[request.node.callspec.id]
    assert message is not None, 'accepted'
    assert message.startswith('fuel-plugin-cinder-gcs: setting {} '.format(named_setting))
    key = json.loads(key_text(default_settings))
    assert key['private_key_id'] not in message
    entered = change(default_settings).get(KEY)
    for shown_as in (None, entered if isinstance(entered, str) else None):
        assert_no_key_material(key_text(default_settings), message, entered=shown_as)


PATTERN_MESSAGE = 'must be the key file in base64, on one line, as "base64 -w0 <key file>" prints it'


@pytest.mark.parametrize('case, why', [
    # Ruby 1.9.3's json 1.5 refuses a bare value at the top level, json 2
    # takes it: neither parser sees anything but what starts with '{', as
    # the pattern wants base64 that starts with 'e' (a first byte of
    # 'xyz{'), so the message is the same on Fuel 9 and here.
    ('base64 of a JSON list', PATTERN_MESSAGE),
    ('base64 of a JSON string', PATTERN_MESSAGE),
    ('base64 of JSON null', PATTERN_MESSAGE),
    ('base64 of two JSON documents', 'is not the base64 of a JSON key file'),
    ('base64 of malformed JSON', 'is not the base64 of a JSON key file'),
])
def test_a_key_that_is_not_one_json_object_gets_the_same_message_on_every_json(outcomes, case, why):
    assert outcomes[case] == 'fuel-plugin-cinder-gcs: setting {} {}'.format(KEY, why)
