"""Serve Keystone's public WSGI application with waitress on 127.0.0.1:PORT.

Usage: keystone_wsgi.py PORT KEYSTONE_CONF
Keystone parses sys.argv itself and rejects a WSGI server's own arguments
(so `waitress-serve --call` fails): empty it before building the app.
"""

import os
import sys

import waitress


def main():
    port, config = sys.argv[1:]
    os.environ['OS_KEYSTONE_CONFIG_FILES'] = config
    sys.argv = sys.argv[:1]
    from keystone.server import wsgi
    waitress.serve(wsgi.initialize_public_application(),
                   host='127.0.0.1', port=int(port), threads=4)


if __name__ == '__main__':
    main()
