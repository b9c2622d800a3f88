"""Fixtures of the Puppet tests: a sandbox per test, with the cinder.conf
Fuel wrote for each kind of node (tests/support/fuel_nodes.py)."""

import pytest

from support.fuel_nodes import NODES, fuel_cinder_conf
from support.puppet_sandbox import Sandbox


@pytest.fixture
def sandbox(tmp_path, request):
    """Applied with Puppet 7, or with the Puppet a test names through
    indirect parametrization (support.puppet_sandbox.PUPPETS)."""
    return Sandbox(tmp_path / 'sandbox', puppet=getattr(request, 'param', '7'))


@pytest.fixture(params=sorted(NODES))
def node(request, sandbox):
    """Each node kind, its sandbox holding the cinder.conf Fuel wrote."""
    sandbox.path('/etc/cinder/cinder.conf').write_text(fuel_cinder_conf(request.param))
    return request.param
