"""mitmproxy addon: Google's endpoints for Cinder's unmodified GCS driver, served locally.

Run by `mitmdump -s gcs_front.py` as the https proxy of cinder-backup only.
mitmproxy terminates TLS with its throwaway per-run CA (trusted by the driver
through HTTPLIB2_CA_CERTS), so this addon sees the driver's plain requests:
- the OAuth2 token request (the test key's token_uri, Google's own, or the
  www.googleapis.com endpoint that oauth2client 3, bundled for Mitaka, uses
  once the credentials are scoped) gets a token,
- the storage v1 discovery document is served from a local copy (Debian's
  googleapiclient 1.7 always fetches it),
- storage JSON API calls go to fake-gcs-server over plain http, keeping the
  Host header so resumable-upload URLs lead back through this proxy (as https,
  like Google's),
- anything else is refused: nothing in the stack may reach the internet.
mitmproxy rather than a hand-written front: CONNECT, TLS interception, per-host
certificates and full-body buffering (a fault answer must come after the whole
upload chunk was read) are what it does already.

Fault injection: the JSON file named by the gcs_faults option holds a list of
rules {"method": "PUT", "path": "regex", "status": 503, "times": 3}; "times"
null or absent means for ever. The file is re-read when it changes; a rule
answers the matching storage requests instead of the emulator, or, with
"delay": seconds instead of "status", holds them that long and then passes
them on (a slow upload; the driver's socket gives up after 60 s). Every storage
request is appended to the gcs_requests log as a JSON line: method, path,
status and, for JSON requests, the body the driver sent. A storage request
that never got an answer (the client gave up, for example while the front
still waited for the body its Content-Length announced) is logged with status
null, the error and that Content-Length.
"""

import asyncio
import json
import os
import re

from mitmproxy import ctx, http

TOKEN_HOST = 'oauth2.googleapis.com'
LEGACY_TOKEN = ('www.googleapis.com', '/oauth2/v4/token')
DISCOVERY = ('www.googleapis.com', '/discovery/v1/apis/storage/v1/rest')
STORAGE_HOSTS = {'storage.googleapis.com', 'www.googleapis.com'}


def _json_response(status, document):
    return http.Response.make(status, json.dumps(document),
                              {'Content-Type': 'application/json'})


class GcsFront:
    def __init__(self):
        self.faults = []
        self.faults_mtime = None

    def load(self, loader):
        loader.add_option('gcs_emulator', str, '127.0.0.1:4443',
                          'host:port of fake-gcs-server (plain http)')
        loader.add_option('gcs_discovery', str, '',
                          'path of the storage v1 discovery document')
        loader.add_option('gcs_faults', str, '', 'path of the fault rules file')
        loader.add_option('gcs_requests', str, '', 'path of the request log')

    def _current_faults(self):
        try:
            mtime = os.stat(ctx.options.gcs_faults).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime != self.faults_mtime:
            self.faults_mtime = mtime
            self.faults = []
            if mtime is not None:
                with open(ctx.options.gcs_faults) as f:
                    self.faults = json.load(f)
        return self.faults

    def _matching_rule(self, request):
        """The first rule for REQUEST, counted as used."""
        for rule in self._current_faults():
            if (rule.get('method', request.method) == request.method
                    and re.search(rule.get('path', ''), request.path)
                    and rule.get('times') != 0):
                if rule.get('times') is not None:
                    rule['times'] -= 1
                return rule
        return None

    async def request(self, flow):
        request = flow.request
        if request.host == TOKEN_HOST or (request.host, request.path) == LEGACY_TOKEN:
            flow.response = _json_response(200, {
                'access_token': 'test-stack-token', 'expires_in': 3600,
                'token_type': 'Bearer'})
        elif (request.host, request.path) == DISCOVERY:
            with open(ctx.options.gcs_discovery, 'rb') as f:
                flow.response = http.Response.make(
                    200, f.read(), {'Content-Type': 'application/json'})
        elif request.host in STORAGE_HOSTS:
            flow.metadata['storage'] = True
            rule = self._matching_rule(request)
            if rule and 'delay' in rule:
                await asyncio.sleep(rule['delay'])
            elif rule:
                flow.response = _json_response(rule['status'], {'error': {
                    'code': rule['status'], 'message': 'fault injected by the test stack'}})
            if flow.response is None:
                host_header = request.host_header
                emulator_host, emulator_port = ctx.options.gcs_emulator.split(':')
                request.scheme = 'http'
                request.host = emulator_host
                request.port = int(emulator_port)
                request.host_header = host_header
        else:
            flow.response = http.Response.make(
                403, 'the test stack reaches no other host', {})

    def response(self, flow):
        if flow.metadata.get('storage'):
            # fake-gcs-server, serving plain http, hands out http:// upload
            # URLs; Google's are https, and only https goes through this front.
            location = flow.response.headers.get('Location', '')
            if location.startswith('http://storage.googleapis.com/'):
                flow.response.headers['Location'] = 'https://' + location[len('http://'):]
            entry = {'method': flow.request.method, 'path': flow.request.path,
                     'status': flow.response.status_code}
            if 'json' in flow.request.headers.get('Content-Type', ''):
                entry['body'] = json.loads(flow.request.get_text() or 'null')
            self._log(entry)

    def error(self, flow):
        if flow.response is None and (flow.metadata.get('storage')
                                      or flow.request.host in STORAGE_HOSTS):
            self._log({'method': flow.request.method, 'path': flow.request.path,
                       'status': None, 'error': flow.error.msg,
                       'content_length': flow.request.headers.get('Content-Length')})

    @staticmethod
    def _log(entry):
        with open(ctx.options.gcs_requests, 'a') as log:
            log.write(json.dumps(entry) + '\n')


addons = [GcsFront()]
