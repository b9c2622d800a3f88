"""Service groups (tools/stack/supervision.py) as the fixtures of the
Fuel master and system tests run them."""

import contextlib

import pytest

import supervision


@contextlib.contextmanager
def shown(request):
    """Output of the block shown as it comes, not captured: a group's one
    line per stage while it starts and stops."""
    capture = request.config.pluginmanager.getplugin('capturemanager')
    with capture.global_and_fixture_disabled():
        yield


def start_or_exit(request, what, start, logs):
    """START()'s result, its output shown; if it fails (StackError), the
    whole run ends at once with its message: every test here needs it."""
    try:
        with shown(request):
            return start()
    except supervision.StackError as error:
        pytest.exit('{} did not start: {}\nlogs: {}'.format(what, error, logs),
                    returncode=pytest.ExitCode.TESTS_FAILED)


def run_group(request, group, what):
    """Fixture body: GROUP started for the tests and stopped after them; a
    Ctrl-C or SIGTERM unwinds through the stop."""
    supervision.interrupt_on_sigterm()
    start_or_exit(request, what, group.start, group.logs)
    yield group
    with shown(request):
        group.stop()
    if request.session.testsfailed:
        print('\n{}: tests failed; the logs are in {}'.format(what, group.logs))
