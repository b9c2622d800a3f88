"""The verification chapter shows the cinder.conf options that the
configuration task really writes (the Puppet tests check those against a
real `puppet apply`)."""

import re

from support.project import REPO
from support.fuel_nodes import EXPECTED_DEFAULT

# Values that differ from one cloud to the next; the guide shows examples.
SITE_SPECIFIC = {'backup_gcs_project_id', 'backup_gcs_bucket'}
OPTION_LINE = re.compile(r'^\s+(backup_\w+) = (.*)$', re.M)


def test_sample_cinder_conf_matches_what_puppet_writes():
    text = (REPO / 'doc' / 'verification.rst').read_text()
    shown = dict(OPTION_LINE.findall(text))
    assert set(shown) == set(EXPECTED_DEFAULT)
    for option, value in EXPECTED_DEFAULT.items():
        if option not in SITE_SPECIFIC:
            assert shown[option] == value, option
