"""The stack's REST APIs as one of its users: Keystone, Cinder and Mistral.

The workflow tests drive Cinder and Mistral through their APIs rather than the
`openstack` CLI: every CLI call costs about a second of CPU on this 2-core
machine, where the workflows' own polling competes for it. The guide's
walkthrough (test_guide_walkthrough.py) uses the CLI, as an operator does.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import stack as stack_module

# Cinder's attachment API with its os-complete action (an in-use volume
# without Nova) needs 3.44.
CINDER_MICROVERSION = '3.44'
TOKEN_LIFETIME = 1800


class ApiError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__('{} {} answered {}: {}'.format(method, url, status, body[:2000]))
        self.status = status
        self.body = body


def _url(port, path):
    return 'http://127.0.0.1:{}{}'.format(port, path)


class Session:
    """A user's token, renewed before it expires, and JSON requests with it."""

    def __init__(self, stack, user):
        self.stack = stack
        self.user = user
        self.project_name = stack_module.USERS.get(user, 'admin')
        self._token = None
        self._token_time = 0
        self._project_id = None

    @property
    def project_id(self):
        self.token()
        return self._project_id

    def renew(self):
        """A new token now, whatever the age of the one held."""
        self._token = None
        return self.token()

    def token(self):
        if self._token is None or time.monotonic() - self._token_time > TOKEN_LIFETIME:
            domain = {'name': 'Default'}
            body = {'auth': {
                'identity': {'methods': ['password'], 'password': {'user': {
                    'name': self.user, 'domain': domain,
                    'password': self.stack.passwords[self.user]}}},
                'scope': {'project': {'name': self.project_name, 'domain': domain}}}}
            request = urllib.request.Request(
                _url(stack_module.PORTS['keystone'], '/v3/auth/tokens'),
                data=json.dumps(body).encode(), method='POST',
                headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(request, timeout=30) as response:
                self._token = response.headers['X-Subject-Token']
                self._project_id = json.load(response)['token']['project']['id']
            self._token_time = time.monotonic()
        return self._token

    def request(self, method, url, body=None, text=None, headers=None):
        """JSON body in, JSON (or None) out; an HTTP error raises ApiError."""
        headers = dict(headers or {}, **{'X-Auth-Token': self.token()})
        data = None
        if text is not None:
            # Mistral answers 406 to a text body with Accept: application/json.
            data = text.encode()
            headers['Content-Type'] = 'text/plain'
        else:
            headers['Accept'] = 'application/json'
            if body is not None:
                data = json.dumps(body).encode()
                headers['Content-Type'] = 'application/json'
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(method, url, error.code,
                           error.read().decode(errors='replace')) from None
        return json.loads(payload) if payload.strip() else None

    def cinder(self, method, path, body=None, **query):
        url = _url(stack_module.PORTS['cinder'], '/v3/{}{}'.format(self.project_id, path))
        if query:
            url += '?' + urllib.parse.urlencode(query)
        return self.request(method, url, body, headers={
            'OpenStack-API-Version': 'volume ' + CINDER_MICROVERSION})

    def cinder_list(self, path, key, **query):
        """Every item of a Cinder list, following its pages (the stack's
        osapi_max_limit is small on purpose)."""
        items, marker = [], None
        while True:
            page = self.cinder('GET', path, **dict(query, **({'marker': marker} if marker else {})))
            items += page[key]
            if not page[key] or not page.get(key + '_links'):
                return items
            marker = page[key][-1]['id']

    def mistral(self, engine, method, path, body=None, text=None, **query):
        """A request to the Mistral ENGINE (a key of the stack's ENGINES)."""
        url = _url(stack_module.ENGINES[engine]['port'], '/v2' + path)
        if query:
            url += '?' + urllib.parse.urlencode(query)
        return self.request(method, url, body, text)
