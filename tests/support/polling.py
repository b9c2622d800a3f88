"""The one way the tests wait for something outside them: poll until it is
true or the time is up, then fail the test saying what did not happen."""

import time

import pytest


def wait_until(what, probe, timeout, interval=1):
    """probe()'s first true value; fail the test naming WHAT on time-out."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail('timed out after {} s waiting for {}'.format(timeout, what))
        time.sleep(interval)
