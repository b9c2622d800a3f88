"""Helpers of the documentation tests."""

import os
import re
import subprocess

from support.project import REPO, run

BUILD_DOCS = REPO / 'tools' / 'build-docs.sh'
WORKBOOK = REPO / 'examples' / 'mistral_workbook.yaml'
TITLE_UNDERLINE = re.compile(r'([=\-~^"])\1+')


def build_docs(source, output, check=True):
    """Run tools/build-docs.sh on a Sphinx source directory."""
    cmd = [str(BUILD_DOCS)]
    env = dict(os.environ, DOCS_SOURCE=str(source), DOCS_OUTPUT=str(output))
    if check:
        return run(cmd, env=env)
    return subprocess.run(cmd, capture_output=True, text=True, env=env,
                          cwd=REPO)


def rst_sections(text):
    """{title: body} of every section of an RST text, at any level; the
    body runs to the next title of any level."""
    lines = text.splitlines()
    starts = [i for i in range(len(lines) - 1)
              if lines[i].strip() and TITLE_UNDERLINE.fullmatch(lines[i + 1])
              and len(lines[i + 1]) >= len(lines[i].rstrip())]
    sections = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        sections[lines[start].strip()] = '\n'.join(lines[start + 2:end])
    return sections


def rst_fields(body):
    """{name: value} of the field list in an RST section body; a value's
    indented continuation lines are joined with spaces."""
    fields = {}
    name = None
    for line in body.splitlines():
        match = re.match(r'^:([^:]+):\s*(.*)$', line)
        if match:
            name = match.group(1)
            fields[name] = match.group(2).strip()
        elif name and line.startswith(' ') and line.strip():
            fields[name] += ' ' + line.strip()
        else:
            name = None
    return fields
