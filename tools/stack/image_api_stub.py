"""STUB of the Image API: answers only version discovery on 127.0.0.1:PORT.

openstackclient sets up its image client even for `volume create` without an
image and fails unless the catalog's image endpoint answers version discovery.
No test uses images, so a real Glance would only cost memory and start-up time.
"""

import http.server
import json
import sys

VERSIONS = json.dumps({'versions': [{
    'id': 'v2.16', 'status': 'CURRENT',
    'links': [{'rel': 'self', 'href': 'http://127.0.0.1:{port}/v2/'}]}]})


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = VERSIONS.replace('{port}', str(self.server.server_port)).encode()
        self.send_response(300 if self.path == '/' else 200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == '__main__':
    http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
