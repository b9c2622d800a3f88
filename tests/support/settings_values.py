"""Values an operator might type into each setting that has a regex in the
Fuel UI, good and bad, each with an id that says why. The Fuel UI, Nailgun
and the deploy-time checks are held to these rows
(tests/test_settings_judges.py), and real Nailgun to the bad ones
(tests/fuel_master/test_settings.py).

Every table also refuses its first good value followed by a line break: a
text field cannot hold one, but `fuel settings --upload` and the API can,
and Python's `$` matches before it.
"""

import json

from plugin_deployment import entered_key as in_base64

# A key file as the Google Cloud console hands it out, in short; the rows
# take it, and what an editor may make of it, in base64 as entered. Any
# JSON object passes the UI; the deploy-time check reads the key's fields
# (tests/puppet/).
KEY_DOCUMENT = json.dumps({'type': 'service_account', 'project_id': 'p',
                           'private_key': '-----BEGIN PRIVATE KEY-----\nMIIE\n'},
                          indent=2) + '\n'


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
        [('as-downloaded', in_base64(KEY_DOCUMENT)),
         ('one-line-file', in_base64(json.dumps(json.loads(KEY_DOCUMENT)))),
         ('windows-line-breaks', in_base64(KEY_DOCUMENT.replace('\n', '\r\n'))),
         ('no-final-line-break', in_base64(KEY_DOCUMENT.rstrip('\n'))),
         ('padding-none', in_base64('{"a": "bcd"}')),
         ('padding-one', in_base64('{"a": "bc"}')),
         ('padding-two', in_base64('{"a": "b"}'))],
        [('empty', ''), ('the-json-itself', KEY_DOCUMENT),
         ('the-json-on-one-line', json.dumps(json.loads(KEY_DOCUMENT))),
         ('wrapped-base64', '\n'.join(in_base64(KEY_DOCUMENT)[i:i + 76]
                                      for i in range(0, len(in_base64(KEY_DOCUMENT)), 76))),
         ('inner-space', in_base64(KEY_DOCUMENT)[:8] + ' ' + in_base64(KEY_DOCUMENT)[8:]),
         ('missing-padding', in_base64('{"a": "bc"}').rstrip('=')),
         ('cut-short', in_base64(KEY_DOCUMENT)[:-1]),
         ('base64-of-pem', in_base64('-----BEGIN PRIVATE KEY-----\nMIIE\n')),
         ('url-safe', in_base64('{"a": "?>"}').replace('+', '-'))]),
    'backup_gcs_bucket_location': (
        [('us', 'US'), ('eu', 'EU'), ('asia', 'ASIA'), ('dual-region', 'NAM4'),
         ('region', 'europe-west1'), ('long-region', 'northamerica-northeast1'),
         ('lowercase-multi', 'us')],
        [('empty', ''), ('space', 'us central1'), ('no-number', 'us-central'),
         ('underscore', 'us_central1'), ('leading-hyphen', '-us'),
         ('hyphenated-number', 'europe-west-1'), ('zone', 'us-central1-a')]),
    'backup_gcs_storage_class': (
        [('standard', 'STANDARD'), ('nearline', 'NEARLINE'), ('coldline', 'COLDLINE'),
         ('archive', 'ARCHIVE'), ('multi-regional', 'MULTI_REGIONAL'),
         ('regional', 'REGIONAL'), ('dra', 'DURABLE_REDUCED_AVAILABILITY')],
        [('empty', ''), ('unknown', 'GLACIER'), ('lowercase', 'nearline'),
         ('two-classes', 'STANDARD,NEARLINE'), ('prefix-only', 'NEAR'),
         ('with-space', 'NEARLINE ')]),
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
         ('inner-line-break', 'a\nb'), ('format-field', 'cinder-{cluster.id}'),
         ('opening-brace', 'a{b'), ('closing-brace', 'a}b')]),
}
TABLES = {name: (good, bad + [('trailing-line-break', good[0][1] + '\n')])
          for name, (good, bad) in TABLES.items()}
