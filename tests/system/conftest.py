"""Fixtures of the system tests: the running stack and an operator's tools on it.

The whole stack (tools/stack/stack.py) starts once for this directory; these tests
must run inside `tools/stack/in-namespace.sh --isolated`, as `make test` and
`make system-test` run them. A stack that does not start ends the run at once,
with the failing service's log tail: every test here needs it. The services'
logs stay in .cache/system-test/logs (SYSTEM_TEST_STACK_DIR moves the stack).
"""

import json
import os
import pathlib
import types
import urllib.error
import urllib.request

import pytest

import stack as stack_module
from support.project import REPO, run
from support.services import run_group

from .api import Session
from .cli import Operator
from .volumes import Rbd, VolumeMaker
from .workflows import Cinder, Mail, Mistral, secrets_of

STACK_DIR = pathlib.Path(os.environ.get('SYSTEM_TEST_STACK_DIR',
                                        REPO / '.cache' / 'system-test'))


@pytest.fixture(scope='package')
def stack(request):
    yield from run_group(request, stack_module.Stack(STACK_DIR), 'the system-test stack')


@pytest.fixture(scope='session')
def rbd():
    """A volume's RBD image, read and written through librbd as Cinder sees it."""
    return Rbd()


@pytest.fixture(scope='package')
def built_guide(tmp_path_factory):
    """The user guide's HTML pages, built as `make docs` builds them."""
    output = tmp_path_factory.mktemp('docs')
    run([str(REPO / 'tools' / 'build-docs.sh')], env=dict(os.environ, DOCS_OUTPUT=str(output)))
    return output / 'html'


@pytest.fixture(scope='package')
def gcs(stack):
    """The GCS emulator's view, read directly (not through the driver's front)."""
    base = 'http://127.0.0.1:{}/storage/v1'.format(stack_module.PORTS['gcs_emulator'])

    class Gcs:
        @staticmethod
        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                return json.load(response)

        @staticmethod
        def requests():
            """What the driver sent through the GCS front, oldest first."""
            lines = stack.gcs_requests.read_text().splitlines()
            return [json.loads(line) for line in lines]

        def bucket_creations(self, bucket):
            """What the driver asked Google to create this bucket with (the
            emulator keeps neither location nor storage class)."""
            return [request['body'] for request in self.requests()
                    if request['method'] == 'POST' and request['path'].startswith('/storage/v1/b?')
                    and request['body']['name'] == bucket]

        def has_bucket(self, bucket):
            try:
                self.get('/b/' + bucket)
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    return False
                raise
            return True

        def object_names(self, bucket, prefix=''):
            listed = self.get('/b/{}/o?prefix={}'.format(bucket, prefix))
            return sorted(item['name'] for item in listed.get('items', []))
    return Gcs()


# ------------------------------------------------------ the workflow tests
@pytest.fixture(scope='package')
def sessions(stack):
    """REST sessions of the stack's users: admin, alice (project-a), bob (project-b)."""
    return {user: Session(stack, user) for user in ('admin', *stack_module.USERS)}


@pytest.fixture(scope='package')
def cinder(sessions):
    return Cinder(sessions['admin'])


@pytest.fixture(scope='package')
def mail(stack):
    return Mail(stack.maildir)


@pytest.fixture(scope='package')
def secrets(stack):
    return secrets_of(stack)


def pytest_generate_tests(metafunc):
    """Every workflow test runs on Mistral 2.0.0 (Mitaka, what Fuel 9 runs);
    those marked `zed`, a representative set, on Zed's Mistral as well: the
    whole set twice would not fit `make test`'s time budget.
    SYSTEM_TEST_ALL_ON_ZED=1 runs every one on both."""
    if 'engine' in metafunc.fixturenames:
        both = (metafunc.definition.get_closest_marker('zed')
                or os.environ.get('SYSTEM_TEST_ALL_ON_ZED') == '1')
        metafunc.parametrize('engine', ['mitaka', 'zed'] if both else ['mitaka'],
                             indirect=True, scope='package')


@pytest.fixture(scope='package')
def engine(request):
    """The Mistral a workflow test runs on (see pytest_generate_tests)."""
    return request.param


@pytest.fixture(scope='package')
def mistral(stack, sessions, engine):
    """The sample workbook (this repository's) as admin on the engine; its
    runs create the workbook and the mail environment in admin's project
    when absent."""
    return Mistral(sessions['admin'], stack, engine)


@pytest.fixture(scope='package')
def alice_mistral(stack, sessions, engine):
    """The same for alice, an ordinary member of project-a."""
    return Mistral(sessions['alice'], stack, engine)


@pytest.fixture(autouse=True)
def catalog_of_the_engine(request, stack):
    """The catalog lists the workflow service of the engine the test runs on
    (Zed's for a test that takes no engine): what `openstack workflow ...`
    commands reach."""
    callspec = getattr(request.node, 'callspec', None)
    stack.use_engine(callspec.params.get('engine', 'zed') if callspec else 'zed')


@pytest.fixture(scope='package')
def admin_cli(stack, engine):
    """admin at the command line with the engine's release of the CLI."""
    return Operator(stack, 'admin', engine)


@pytest.fixture
def new_volumes(sessions, rbd):
    """Volumes a test makes for itself, deleted after it."""
    maker = VolumeMaker(sessions, rbd)
    yield maker
    maker.delete_all()


@pytest.fixture
def gcs_faults(stack):
    """Fault rules of the GCS front (tools/stack/gcs_front.py) for one test,
    and how many requests it answered with a given status since."""
    logged = stack.gcs_requests.read_text().count('\n') if stack.gcs_requests.exists() else 0

    class Faults:
        @staticmethod
        def inject(*rules):
            stack.gcs_faults.write_text(json.dumps(list(rules)))

        @staticmethod
        def logged_since():
            lines = stack.gcs_requests.read_text().splitlines()[logged:]
            return [json.loads(line) for line in lines]

        def answered(self, status):
            return sum(entry['status'] == status for entry in self.logged_since())

        def unanswered(self):
            """Requests the client gave up on before any answer."""
            return [entry for entry in self.logged_since() if entry['status'] is None]
    yield Faults()
    stack.gcs_faults.unlink(missing_ok=True)


@pytest.fixture(scope='module')
def module_volumes(sessions, rbd):
    """Volumes shared by the tests of a module, deleted after them."""
    maker = VolumeMaker(sessions, rbd)
    yield maker
    maker.delete_all()


@pytest.fixture(scope='package')
def fleet(stack, sessions, rbd):
    """The volumes every workflow test starts from: two in project-a
    (alice's), one in project-b (bob's)."""
    maker = VolumeMaker(sessions, rbd)

    a1, a2 = maker.create('fleet-a1', 'alice'), maker.create('fleet-a2', 'alice')
    b1 = maker.create('fleet-b1', 'bob')
    fleet = types.SimpleNamespace(
        a1=a1, a2=a2, b1=b1, ids=[a1, a2, b1],
        project_a=sessions['alice'].project_id, project_b=sessions['bob'].project_id)
    yield fleet
    maker.delete_all()
