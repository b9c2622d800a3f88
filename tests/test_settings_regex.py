"""Every regex of the Fuel UI settings, evaluated as the Fuel UI does
(JavaScript: `new RegExp(source).test(value)`) and with Python's `re`.

Each table row is a value an operator might type; the id says why it must
pass or fail. Values ending in a line break are left out on purpose: there
Python's `$` and JavaScript's `$` differ, and a text field cannot hold one.
"""

import json
import re
import shutil
import subprocess

import pytest


def long_dotted_bucket(total):
    """A dotted bucket name of `total` characters, no part over 60 long."""
    name = '.'.join(['a' * 60] * (total // 61))
    return name + '.' + 'b' * (total - len(name) - 1)


SIZE_GOOD = [('one-byte', '1'), ('block-default', '32768'),
             ('object-default', '52428800'), ('chunk-default', '2097152'),
             ('twelve-digits', '999999999999')]
SIZE_BAD = [('zero', '0'), ('minus-one', '-1'), ('empty', ''),
            ('fraction', '1.5'), ('with-unit', '10MB'),
            ('leading-zero', '007'), ('exponent', '1e6'),
            ('thirteen-digits', '1000000000000')]

TABLES = {
    'backup_gcs_project_id': (
        [('typical', 'my-backups-123456'), ('six-chars', 'abcdef'),
         ('thirty-chars', 'a' + 'b' * 28 + 'c'),
         ('words', 'prod-cinder-backups'), ('digits', 'a1b2c3d4'),
         ('domain-scoped', 'example.com:my-project')],
        [('trailing-hyphen', 'my-project-'), ('starts-with-digit', '1project'),
         ('five-chars', 'abcde'), ('thirty-one-chars', 'a' * 31),
         ('uppercase', 'My-Project'), ('underscore', 'my_project'),
         ('empty', ''), ('space', 'my project'),
         ('project-number', '123456789012')]),
    'backup_gcs_bucket': (
        [('typical', 'cinder-backups'), ('three-chars', 'abc'),
         ('sixty-three-chars', 'a' * 63), ('dotted', 'backups.example.com'),
         ('underscores', 'my_bucket_01'), ('digit-ends', '0-backups-9'),
         ('dotted-222-chars', long_dotted_bucket(222))],
        [('uppercase', 'Cinder-Backups'), ('goog-prefix', 'goog-backups'),
         ('two-chars', 'ab'), ('ip-address', '192.168.1.10'),
         ('sixty-four-chars', 'a' * 64), ('leading-hyphen', '-backups'),
         ('trailing-hyphen', 'backups-'), ('contains-google', 'my-google-bk'),
         ('double-dot', 'backups..example'),
         ('dotted-part-64-chars', 'a' * 64 + '.example'),
         ('dotted-223-chars', long_dotted_bucket(223)),
         ('empty', ''), ('space', 'back ups')]),
    'gcs_service_account_key': (
        [('one-line', '{"type": "service_account", "private_key": "k"}'),
         ('pretty', '{\n  "type": "service_account",\n  "project_id": "p"\n}'),
         ('browser-stripped', '{  "type": "service_account",  "a": "b"}'),
         ('space-before-colon', '{"type" : "service_account"}'),
         ('surrounding-spaces', '  {"type":"service_account"}  ')],
        [('empty', ''), ('not-json', 'not json'),
         ('user-credentials', '{"type": "authorized_user"}'),
         ('pem-only', '-----BEGIN PRIVATE KEY-----abc'),
         ('json-array', '["service_account"]'),
         ('unclosed', '{"type": "service_account"')]),
    'backup_gcs_bucket_location': (
        [('us', 'US'), ('eu', 'EU'), ('asia', 'ASIA'), ('dual-region', 'NAM4'),
         ('region', 'europe-west1'), ('long-region', 'northamerica-northeast1'),
         ('lowercase-multi', 'us')],
        [('empty', ''), ('space', 'us central1'), ('no-number', 'us-central'),
         ('underscore', 'us_central1'), ('leading-hyphen', '-us'),
         ('hyphenated-number', 'europe-west-1'), ('zone', 'us-central1-a')]),
    'backup_gcs_object_size': (SIZE_GOOD, SIZE_BAD),
    'backup_gcs_block_size': (SIZE_GOOD, SIZE_BAD),
    'backup_gcs_reader_chunk_size': (SIZE_GOOD, SIZE_BAD),
    'backup_gcs_writer_chunk_size': (
        [('single-request', '-1'), ('256k', '262144'), ('default', '2097152'),
         ('one', '1'), ('512k', '524288')],
        [('zero', '0'), ('minus-two', '-2'), ('empty', ''),
         ('fraction', '1.5'), ('with-unit', '2M'), ('minus-zero', '-0')]),
    'backup_gcs_num_retries': (
        [('none', '0'), ('default', '3'), ('five', '5'), ('nine', '9'),
         ('ten', '10')],
        [('negative', '-1'), ('eleven', '11'), ('empty', ''),
         ('fraction', '3.0'), ('word', 'three'), ('leading-zero', '03')]),
    'backup_gcs_retry_error_codes': (
        [('default', '429'), ('two', '429,503'), ('spaced', '429, 503'),
         ('gateway-errors', '500,502,503,504'), ('timeout', '408,429')],
        [('success-code', '200'), ('semicolon', '429;503'),
         ('two-digits', '42'), ('beyond-5xx', '600'), ('empty', ''),
         ('trailing-comma', '429,'), ('word', 'abc'),
         ('four-digits', '4290')]),
    'backup_gcs_user_agent': (
        [('default', 'gcscinder'), ('product-comment', 'cinder/1.0 (fuel)'),
         ('one-char', 'x'), ('255-chars', 'a' * 255), ('inner-space', 'a b')],
        [('empty', ''), ('leading-space', ' cinder'), ('tab', 'a\tb'),
         ('non-ascii', 'ünicode'), ('256-chars', 'a' * 256),
         ('inner-line-break', 'a\nb')]),
}

ROWS = [(name, value, expected, '{}:{}:{}'.format(
            name, 'good' if expected else 'bad', why))
        for name, (good, bad) in TABLES.items()
        for expected, rows in ((True, good), (False, bad))
        for why, value in rows]

NODE_TEST = '''
let cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(c => new RegExp(c[0]).test(c[1]))));
'''


@pytest.fixture(scope='module')
def regex_of(plugin_settings):
    return {name: plugin_settings[name]['regex']['source'] for name in TABLES}


@pytest.fixture(scope='module')
def javascript_verdicts(regex_of):
    """Every row evaluated by Node in one run, keyed by row id."""
    node = shutil.which('node') or shutil.which('nodejs')
    if node is None:
        pytest.fail('node is not installed: run tools/install-deps.sh')
    cases = [[regex_of[name], value] for name, value, _, _ in ROWS]
    result = subprocess.run([node, '-e', NODE_TEST], input=json.dumps(cases),
                            capture_output=True, text=True, check=True)
    return dict(zip([row_id for *_, row_id in ROWS],
                    json.loads(result.stdout)))


def test_every_regex_has_a_table(plugin_settings):
    with_regex = {name for name, attr in plugin_settings.items()
                  if 'regex' in attr}
    assert with_regex == set(TABLES)
    for name, (good, bad) in TABLES.items():
        assert len(good) >= 5 and len(bad) >= 5, name


@pytest.mark.parametrize('name,value,expected,row_id', ROWS,
                         ids=[row[-1] for row in ROWS])
def test_regex(regex_of, javascript_verdicts, name, value, expected, row_id):
    assert javascript_verdicts[row_id] is expected, 'Fuel UI (JavaScript)'
    assert bool(re.search(regex_of[name], value)) is expected, 'Python re'
