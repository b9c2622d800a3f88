"""Run one Cinder service (api, scheduler, volume, manage) under /usr/bin/python3.

Usage: cinder_service.py NAME CINDER_ARGS...
Debian's python3-cinder ships no service scripts. argv[0] is set to
cinder-NAME as the scripts would, because oslo.log and oslo.service name
things after it.
"""

import importlib
import sys


def main():
    name = sys.argv[1]
    sys.argv = ['cinder-' + name] + sys.argv[2:]
    sys.exit(importlib.import_module('cinder.cmd.' + name).main())


if __name__ == '__main__':
    main()
