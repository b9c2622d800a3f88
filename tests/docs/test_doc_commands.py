"""tools/doc_commands.py: what the system test reads from the built guide."""

import json
import subprocess
import sys

import pytest

import doc_commands
from support.project import REPO


@pytest.mark.parametrize('line, expected', [
    ('root@controller:~# openstack workbook list',
     ('controller', 'openstack workbook list')),
    ('[root@fuel-master ~]# fuel plugins --list',
     ('fuel-master', 'fuel plugins --list')),
    ('user@workstation:~$ gcloud projects list',
     ('workstation', 'gcloud projects list')),
    ('root@node-1:/etc/cinder# grep backup cinder.conf',
     ('node-1', 'grep backup cinder.conf')),
    ('| ID                | 93fc32a1-d285-4934-9b14-9a58b395e5d1 |', None),
    ('+-------------------+--------------------------------------+', None),
    ('backup_driver = cinder.backup.drivers.google', None),
    ('root@controller:~#', None),
    ('# a comment in sample output', None),
], ids=['debian-root-prompt', 'fuel-master-prompt', 'user-prompt',
        'prompt-with-directory', 'table-row-is-output', 'table-rule-is-output',
        'config-line-is-output', 'prompt-without-command',
        'bare-hash-is-output'])
def test_parse_prompt(line, expected):
    assert doc_commands.parse_prompt(line) == expected


def test_fill_replaces_every_placeholder():
    text = 'openstack volume backup restore <BACKUP_ID> <VOLUME_ID>'
    assert doc_commands.placeholders(text) == ['BACKUP_ID', 'VOLUME_ID']
    assert doc_commands.fill(text, {'BACKUP_ID': 'b1', 'VOLUME_ID': 'v1'}) \
        == 'openstack volume backup restore b1 v1'


def test_fill_names_a_missing_value():
    with pytest.raises(KeyError, match='VOLUME_ID'):
        doc_commands.fill('openstack volume show <VOLUME_ID>', {})


def console_block(text, section='s1'):
    """A console block as Sphinx writes it (see the built guide)."""
    return ('<section id="{}"><div class="highlight-console notranslate">'
            '<div class="highlight"><pre><span class="gp">{}</span></pre>'
            '</div></div></section>').format(section, text)


@pytest.mark.parametrize('page, message', [
    (console_block('root@controller:~# openstack volume create \\\n'
                   '--size 1 test'), 'continues on the next line'),
    ('<section id="s2"><div class="doc-file highlight-yaml notranslate">'
     '<div class="highlight"><pre>name: x</pre></div></div></section>',
     'no caption'),
], ids=['continued-command', 'file-without-name'])
def test_extract_rejects_a_page_breaking_the_conventions(page, message):
    with pytest.raises(doc_commands.DocError, match=message):
        doc_commands.extract(page)


def test_extract_reads_commands_files_and_sections_of_the_guide(built_guide):
    steps = doc_commands.extract((built_guide / 'mistral.html').read_text())
    first = steps[0]
    assert (first.kind, first.host) == ('command', 'fuel-master')
    assert first.text.startswith('scp /var/www/nailgun/plugins/'
                                 'fuel-plugin-cinder-gcs-1.0/examples/'
                                 'mistral_workbook.yaml ')
    # Sample output lines in the same block are not commands.
    assert not any(s.text.startswith(('+', '|')) for s in steps)
    sections = [s.section for s in steps]
    assert 'create-the-workbook' in sections
    create = steps[sections.index('create-the-workbook')]
    assert create.text == 'openstack workbook create mistral_workbook.yaml'


def test_command_line_interface_filters_by_host(built_guide):
    result = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'doc_commands.py'),
         str(built_guide / 'mistral.html'), '--host', 'controller'],
        capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    commands = [r for r in records if r['kind'] == 'command']
    assert commands and all(r['host'] == 'controller' for r in commands)
    show = next(r for r in commands
                if r['text'].startswith('openstack workflow execution show'))
    assert show['placeholders'] == ['EXECUTION_ID']
