"""The plugin's deployment off a Fuel node: its task manifests applied by the
real `puppet apply` with Debian's Puppet modules, and the service-account key
its settings carry. Shared by the system-test stack, which deploys the plugin
onto its Cinder as Fuel would, and the Puppet tests' sandbox
(tests/support/puppet_sandbox.py).
"""

import base64
import json
import pathlib
import secrets
import subprocess
import tempfile

TOP = pathlib.Path(__file__).resolve().parents[2]
PLUGIN_MODULES = TOP / 'deployment_scripts' / 'puppet' / 'modules'
PUPPET = '/usr/bin/puppet'
DEBIAN_MODULES = pathlib.Path('/usr/share/puppet/modules')
# Debian's modules that the manifests use (cinder_config needs openstacklib).
# Only these go on the module path: the custom facts of the others
# (rabbitmq, mysql...) slow every run down and fail on this machine.
USED_MODULES = ('cinder', 'openstacklib', 'inifile', 'stdlib')
# Puppet's own directories, kept under the caller's state directory.
PUPPET_DIRS = ('confdir', 'vardir', 'codedir', 'logdir', 'rundir')


def link_debian_modules(modules_dir):
    """MODULES_DIR, holding links to the Debian modules the manifests use."""
    modules_dir = pathlib.Path(modules_dir)
    modules_dir.mkdir(parents=True)
    for name in USED_MODULES:
        (modules_dir / name).symlink_to(DEBIAN_MODULES / name)
    return modules_dir


def puppet_apply(manifest, state_dir, hiera_config, modules_dir, *extra_args,
                 plugin_modules=PLUGIN_MODULES, puppet=PUPPET, puppet_dirs=PUPPET_DIRS):
    """The command line that applies one of the plugin's task manifests
    (MANIFEST, a file name) with --detailed-exitcodes (see succeeded), Puppet's
    directories (PUPPET_DIRS) under STATE_DIR, the plugin's modules before
    MODULES_DIR, with PUPPET (Debian's by default)."""
    command = [str(puppet), 'apply', '--detailed-exitcodes', '--color=false',
               '--modulepath', '{}:{}'.format(plugin_modules, modules_dir),
               '--hiera_config', str(hiera_config)]
    for setting in puppet_dirs:
        command += ['--' + setting, str(pathlib.Path(state_dir) / setting)]
    return command + [*extra_args, str(pathlib.Path(plugin_modules).parent / 'manifests' / manifest)]


def succeeded(returncode):
    """--detailed-exitcodes: 0 nothing to change, 2 changes applied; 4 or 6
    when a resource failed, 1 when the catalog did not compile."""
    return returncode in (0, 2)


def key_file_text(project_id):
    """A service-account key file as the Google Cloud console hands it out:
    pretty-printed JSON (service_account_key), with a final line break."""
    return json.dumps(service_account_key(project_id), indent=2) + '\n'


def entered_key(key_file):
    """The key setting as the operator enters it: the key file (text) in
    base64 on one line, as `base64 -w0 <key file>` prints it."""
    return base64.b64encode(key_file.encode('utf-8')).decode('ascii')


def key_file_of(entered):
    """The key file (text) an entered key setting stands for."""
    return base64.b64decode(entered).decode('utf-8')


def service_account_key(project_id):
    """A service-account key with the fields of the JSON file the Google
    Cloud console hands out, and a real throwaway RSA key."""
    with tempfile.TemporaryDirectory() as directory:
        pem = pathlib.Path(directory) / 'key.pem'
        subprocess.run(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt',
                        'rsa_keygen_bits:2048', '-out', str(pem)],
                       check=True, capture_output=True)
        private_key = pem.read_text()
    email = 'cinder-backup@{}.iam.gserviceaccount.com'.format(project_id)
    return {
        'type': 'service_account',
        'project_id': project_id,
        'private_key_id': secrets.token_hex(20),
        'private_key': private_key,
        'client_email': email,
        'client_id': str(secrets.randbelow(10**21)),
        'auth_uri': 'https://accounts.google.com/o/oauth2/auth',
        # Google's own: the stack's GCS front answers it (gcs_front.py).
        'token_uri': 'https://oauth2.googleapis.com/token',
        'auth_provider_x509_cert_url': 'https://www.googleapis.com/oauth2/v1/certs',
        'client_x509_cert_url': 'https://www.googleapis.com/robot/v1/metadata/x509/'
                                + email.replace('@', '%40'),
    }

