#!/usr/bin/env python3
"""List the commands and files of a page of the built user guide, in order.

The system test runs the "Automate with Mistral" chapter from the built HTML
(.cache/docs/html/mistral.html) with this module, so the guide cannot go
stale. The guide's conventions, which tests/docs check:

* A command is a line of a ``console`` code block that starts with a
  prompt. The prompt names the machine it is typed on:
  ``root@controller:~# `` (Debian/Ubuntu style, ``$`` for a non-root user)
  or ``[root@fuel-master ~]# `` (CentOS style, the Fuel master).
  Lines without a prompt are sample output.
* A command is exactly what the operator types, on one line: no ``\\``
  continuation.
* A file the operator writes is a code block with the class ``doc-file``
  whose caption is the file name; its text is the file's content.
* ``<UPPER_CASE>`` words are placeholders (``<VOLUME_ID>``) that the
  operator, or the executor through fill(), replaces, brackets included.
  Everything else is literal.

Usage: doc_commands.py PAGE.html [--host HOST] prints one JSON object per
step: kind ("command" or "file"), section (the id of the innermost
section), host (for commands), name (for files), text, placeholders.
"""

import argparse
import collections
import html.parser
import json
import re
import sys

PROMPTS = (
    # root@controller:~# openstack workbook list
    re.compile(r'^(?P<user>[a-z_][\w-]*)@(?P<host>[\w.-]+):[^#$\s]*[#$] '
               r'(?P<command>.*)$'),
    # [root@fuel-master ~]# fuel plugins --list
    re.compile(r'^\[(?P<user>[a-z_][\w-]*)@(?P<host>[\w.-]+) [^\]]+\][#$] '
               r'(?P<command>.*)$'),
)
PLACEHOLDER = re.compile(r'<([A-Z][A-Z0-9_]*)>')

Step = collections.namedtuple('Step', 'kind section host name text')


class DocError(ValueError):
    """The page breaks the conventions above."""


def parse_prompt(line):
    """(host, command) of a prompt line, None for an output line."""
    for prompt in PROMPTS:
        match = prompt.match(line)
        if match:
            return match.group('host'), match.group('command')
    return None


def placeholders(text):
    """The placeholder names in text, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def fill(text, values):
    """text with every <NAME> replaced by values[NAME]."""
    missing = [name for name in placeholders(text) if name not in values]
    if missing:
        raise KeyError('no value for placeholder(s): ' + ', '.join(missing))
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


class _Blocks(html.parser.HTMLParser):
    """Collects (kind, section, caption, text) of code blocks in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.sections = []
        self.divs = []          # the block kind each open <div> started
        self.block = None       # kind of the code block being read
        self.in_pre = False
        self.in_caption = False
        self.caption = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get('class') or '').split()
        if tag == 'section':
            self.sections.append(attrs.get('id'))
        elif tag == 'div':
            kind = None
            if 'doc-file' in classes:
                kind = 'file'
            elif 'highlight-console' in classes:
                kind = 'console'
            if kind and self.block is None:
                self.block, self.text = kind, []
            self.divs.append(kind)
        elif tag == 'pre' and self.block:
            self.in_pre = True
        elif tag == 'span' and 'caption-text' in classes:
            self.in_caption, self.caption = True, ''

    def handle_endtag(self, tag):
        if tag == 'section' and self.sections:
            self.sections.pop()
        elif tag == 'div' and self.divs:
            if self.divs.pop() and self.block:
                section = next((s for s in reversed(self.sections) if s),
                               None)
                self.blocks.append((self.block, section, self.caption,
                                    ''.join(self.text)))
                self.block, self.caption = None, None
        elif tag == 'pre':
            self.in_pre = False
        elif tag == 'span':
            self.in_caption = False

    def handle_data(self, data):
        if self.in_pre:
            self.text.append(data)
        elif self.in_caption:
            self.caption += data


def extract(page_html):
    """The steps of a built page, in document order."""
    parser = _Blocks()
    parser.feed(page_html)
    parser.close()
    steps = []
    for kind, section, caption, text in parser.blocks:
        if kind == 'file':
            if not caption:
                raise DocError('a doc-file block in section {} has no '
                               'caption naming the file'.format(section))
            steps.append(Step('file', section, None, caption.strip(), text))
            continue
        for line in text.splitlines():
            prompt = parse_prompt(line)
            if prompt is None:
                continue
            host, command = prompt
            if command.rstrip().endswith('\\'):
                raise DocError('command continues on the next line, in '
                               'section {}: {}'.format(section, command))
            steps.append(Step('command', section, host, None,
                              command.rstrip()))
    return steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('page', help='a page of the built guide (HTML)')
    parser.add_argument('--host', help='only the commands typed on HOST')
    args = parser.parse_args(argv)
    with open(args.page, encoding='utf-8') as stream:
        steps = extract(stream.read())
    for step in steps:
        if args.host and step.kind == 'command' and step.host != args.host:
            continue
        record = step._asdict()
        record['placeholders'] = placeholders(step.text)
        print(json.dumps(record))
    return 0


if __name__ == '__main__':
    sys.exit(main())
