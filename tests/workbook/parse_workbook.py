"""Parse a workbook with a real Mistral parser; run inside that Mistral's venv.

Usage: parse_workbook.py current|mitaka WORKBOOK.yaml
(mitaka: Mistral 2.0.0 as installed on Python 2.7 in .venv/mitaka-mistral.)
Prints the workflow names and exits 0 when the parser accepts the workbook;
prints the parser's error and exits 1 when it rejects it.
"""

import sys


def parse(flavour, text):
    if flavour == 'mitaka':
        from mistral.workbook import parser
    else:
        from mistral.lang import parser
    spec = parser.get_workbook_spec_from_yaml(text)
    return sorted(wf.get_name() for wf in spec.get_workflows())


def main(flavour, path):
    with open(path) as f:
        text = f.read()
    try:
        names = parse(flavour, text)
    except Exception as e:  # the parser's own exception types differ by release
        print('{}: {}'.format(type(e).__name__, e))
        return 1
    print('\n'.join(names))
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
