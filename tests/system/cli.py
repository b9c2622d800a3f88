"""An operator at the command line of the stack: the `openstack` CLI of an
engine's release with one user's credentials."""

import json
import os
import re
import subprocess

import pytest

import stack as stack_module
from support.polling import wait_until
from support.project import run


class Operator:
    """One user of the stack at the command line, with that user's openrc
    and the `openstack` CLI of an engine's release (Zed's by default)."""

    def __init__(self, stack, user, engine='zed'):
        self.stack = stack
        self.env = dict(os.environ, **stack.credentials(user, engine))
        self.openstack = stack_module.ENGINES[engine]['cli']

    def run(self, *args, client='openstack', timeout=120):
        if client == 'openstack':
            client = self.openstack
        return run([client, *map(str, args)], env=self.env, timeout=timeout).stdout

    def json(self, *args):
        return json.loads(self.run(*args, '-f', 'json'))

    def wait_gone(self, kind, resource_id, timeout):
        """Poll `openstack KIND show` until the client says there is none."""
        def gone():
            shown = subprocess.run([self.openstack, *kind.split(), 'show', resource_id],
                                   env=self.env, capture_output=True, text=True, timeout=120)
            if shown.returncode and not re.search(r'No \w+ with a name or ID|could not be found',
                                                  shown.stderr):
                pytest.fail('{} {} not shown:\n{}{}'.format(kind, resource_id, shown.stdout,
                                                            shown.stderr))
            return shown.returncode
        wait_until('{} {} to be gone'.format(kind, resource_id), gone, timeout, interval=2)

    def wait_status(self, kind, resource_id, wanted, timeout):
        """Poll `openstack KIND show` until the status is WANTED; fail on error."""
        def reached():
            status = self.json(*kind.split(), 'show', resource_id)['status']
            if status.startswith('error'):
                pytest.fail('{} {} is {} while waiting for {} (logs: {})'.format(
                    kind, resource_id, status, wanted, self.stack.logs))
            return status == wanted
        wait_until('{} {} to be {}'.format(kind, resource_id, wanted), reached, timeout,
                   interval=2)
