"""Parse a workbook with a real Mistral parser; run inside that Mistral's venv.

Usage: parse_workbook.py current|mitaka WORKBOOK.yaml
Prints the workflow names and exits 0 when the parser accepts the workbook;
prints the parser's error and exits 1 when it rejects it.
"""

import sys
import types


def install_mitaka_stand_ins():
    """Mistral 2.0.0's parser imports runtime modules it never uses while
    parsing (database API, request context, Keystone client). These
    STAND-INS take their place in sys.modules; the parser itself is Mitaka's
    real code."""
    names = ('mistral.db.v2', 'mistral.db.v2.api', 'mistral.context',
             'mistral.services.security', 'keystoneclient',
             'keystoneclient.v3', 'keystoneclient.v3.client')
    for name in names:
        sys.modules[name] = types.ModuleType(name)
    # 'from package import module' reads the module as an attribute.
    for name in names:
        parent, _, child = name.rpartition('.')
        if parent in sys.modules:
            setattr(sys.modules[parent], child, sys.modules[name])


def parse(flavour, text):
    if flavour == 'mitaka':
        install_mitaka_stand_ins()
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
