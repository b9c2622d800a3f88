"""Run by a node's Python 2.7 with the bundled libraries on PYTHONPATH:
builds the storage v1 client the way Mitaka's GCS backup driver does
(service account credentials from the key file, discovery.build() with both
http and credentials) and prints what was built as JSON. Anything the
libraries log at WARNING or above goes to stderr.

The discovery document is served from a local file: the test runs offline.
Usage: storage_client_probe.py DISCOVERY_DOC KEY_FILE
"""

from __future__ import print_function

import json
import logging
import platform
import sys
import threading

try:
    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # Python 3
    from http.server import BaseHTTPRequestHandler, HTTPServer

import googleapiclient
import httplib2
import oauth2client
from googleapiclient import discovery
from googleapiclient import discovery_cache
from googleapiclient import http as gapi_http
from oauth2client import client
from oauth2client import service_account


def serve(document):
    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Discovery)
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()
    return server


def main(doc_path, key_path):
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with open(doc_path, 'rb') as doc:
        server = serve(doc.read())
    credentials = client.GoogleCredentials.from_stream(key_path)
    service = discovery.build(
        'storage', 'v1', http=httplib2.Http(), credentials=credentials,
        discoveryServiceUrl='http://127.0.0.1:%d/{api}/{apiVersion}' % server.server_port)
    request = service.objects().list(bucket='acme-cinder-backups', prefix='volume_')

    # The driver decorates its MediaIoBaseDownload subclass with this.
    @gapi_http.util.positional(1)
    def next_chunk(num_retries=None):
        return num_retries

    cache = discovery_cache.autodetect()
    print(json.dumps({
        'python': platform.python_version(),
        'discovery_cache': cache and type(cache).__module__.rsplit('.', 1)[-1],
        'versions': {'google-api-python-client': googleapiclient.__version__,
                     'oauth2client': oauth2client.__version__,
                     'httplib2': httplib2.__version__},
        'service_account_credentials': isinstance(
            credentials, service_account.ServiceAccountCredentials),
        'service_account_email': credentials.service_account_email,
        'request': {'method': request.method, 'uri': request.uri},
        'positional_decorator': next_chunk(num_retries=3) == 3,
        'module_files': {name: module.__file__ for name, module in sys.modules.items()
                         if name in ('googleapiclient', 'oauth2client', 'httplib2', 'six',
                                     'rsa', 'pyasn1', 'uritemplate')},
    }))


if __name__ == '__main__':
    main(*sys.argv[1:])
