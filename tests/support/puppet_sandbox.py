"""Runs the real `puppet apply` on the plugin's manifests (and other
commands that need the node's files where the node has them) inside a mount
namespace, so that what Puppet writes lands in a per-test directory and
nothing on the test machine changes.

Each node directory Puppet touches is bind-mounted from the sandbox
(`unshare -m`), as are copies of /etc/passwd and /etc/group that have a
`cinder` user (added when this machine has none). Mount points that do not exist on
the machine are created empty once (e.g. /etc/cinder); nothing is ever
written into them outside the namespace.
"""

import dataclasses
import os
import pathlib
import pwd
import shlex
import subprocess

import pytest
import yaml

import plugin_deployment
from plugin_deployment import PLUGIN_MODULES
from support import puppet38

# Directories of a node that the manifests read or write.
NODE_DIRS = ['/etc/cinder', '/var/lib/cinder', '/etc/openstack-dashboard',
             '/etc/default', '/etc/init', '/etc/init.d', '/usr/lib/fuel-plugin-cinder-gcs']
SERVICES = ['cinder-backup', 'apache2']
# The cinder user added when this machine has none.
CINDER_UID = CINDER_GID = 4242

# STUB, named as such: the real services cannot run here. Puppet's Debian
# service provider calls it for status and restart; it starts nothing.
STUB_INIT_SCRIPT = """#!/bin/sh
# STUB init script of the Puppet test sandbox: answers Puppet without
# starting or stopping any service.
case "$1" in
    status|start|stop|restart|reload|force-reload) exit 0 ;;
    *) exit 3 ;;
esac
"""


class RubyTagsLoader(yaml.SafeLoader):
    """Reads Puppet's YAML report: Ruby object tags become plain mappings."""


RubyTagsLoader.add_multi_constructor(
    '!ruby/', lambda loader, suffix, node: loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node))


@dataclasses.dataclass
class Apply:
    """The outcome of one `puppet apply`."""
    returncode: int
    stdout: str
    stderr: str
    report_text: str

    @property
    def report(self):
        return yaml.load(self.report_text, Loader=RubyTagsLoader)

    @property
    def failed(self):
        return not plugin_deployment.succeeded(self.returncode)

    def resources(self):
        return self.report['resource_statuses']

    def changed_resources(self):
        return sorted(name for name, status in self.resources().items()
                      if status['changed'])

    def restarted(self, service):
        """Whether Puppet restarted (or reloaded) the service in this run:
        a successful 'refresh' event of its Service resource, or, as Puppet
        3.8 reports it (no event), its log line."""
        ref = 'Service[{}]'.format(service)
        status = self.resources().get(ref)
        return bool(status) and any(
            event['name'] == 'refresh' and event['status'] == 'success'
            for event in status['events']) or any(
            log['source'].endswith('/' + ref) and log['message'].startswith("Triggered 'refresh'")
            for log in self.report['logs'])


# Debian's Puppet 7 and Fuel 9's Puppet 3.8.7, for a test that runs on both:
# @pytest.mark.parametrize('sandbox', PUPPETS, indirect=True).
PUPPETS = [pytest.param('7', id='puppet-7'), pytest.param('3.8.7', id='puppet-3.8.7')]


class Sandbox:
    def __init__(self, root, plugin_modules=PLUGIN_MODULES, puppet='7'):
        """plugin_modules: the plugin's module directory to apply, by
        default the repository's; puppet: which Puppet applies it, '7'
        (Debian's, with Debian's modules) or '3.8.7' (Fuel 9's, with its
        pinned modules: tests/support/puppet38.py)."""
        self.root = pathlib.Path(root)
        self.plugin_modules = plugin_modules
        self.puppet = puppet
        self.puppet_dir = self.root / 'puppet'
        for sub in (*plugin_deployment.PUPPET_DIRS, 'reports', 'hieradata'):
            (self.puppet_dir / sub).mkdir(parents=True, exist_ok=True)
        for node_dir in NODE_DIRS:
            self.path(node_dir).mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            script = self.path('/etc/init.d') / service
            script.write_text(STUB_INIT_SCRIPT)
            script.chmod(0o755)
        self._write_accounts()
        self.modules = plugin_deployment.link_debian_modules(self.root / 'modules')
        (self.puppet_dir / 'hiera.yaml').write_text(yaml.safe_dump({
            'version': 5,
            'defaults': {'datadir': str(self.puppet_dir / 'hieradata'),
                         'data_hash': 'yaml_data'},
            'hierarchy': [{'name': 'astute.yaml', 'path': 'astute.yaml'}],
        }))
        puppet38.write_hiera_config(self.puppet_dir / 'hiera3.yaml',
                                    self.puppet_dir / 'hieradata', 'astute')

    def path(self, node_path):
        """Where a file of the node lives on this machine."""
        return self.root / 'node' / node_path.lstrip('/')

    def _write_accounts(self):
        """passwd and group with a cinder user: the machine's own if it has
        one (Debian's cinder packages add it), else an added one."""
        accounts = self.root / 'accounts'
        accounts.mkdir()
        passwd = pathlib.Path('/etc/passwd').read_text()
        group = pathlib.Path('/etc/group').read_text()
        try:
            user = pwd.getpwnam('cinder')
            self.cinder_uid, self.cinder_gid = user.pw_uid, user.pw_gid
        except KeyError:
            self.cinder_uid, self.cinder_gid = CINDER_UID, CINDER_GID
            passwd += 'cinder:x:{}:{}::/var/lib/cinder:/usr/sbin/nologin\n'.format(
                CINDER_UID, CINDER_GID)
            group += 'cinder:x:{}:\n'.format(CINDER_GID)
        (accounts / 'passwd').write_text(passwd)
        (accounts / 'group').write_text(group)

    def _mounts(self):
        pairs = [(self.path(d), d) for d in NODE_DIRS]
        pairs += [(self.root / 'accounts' / name, '/etc/' + name)
                  for name in ('passwd', 'group')]
        return pairs

    def in_node(self, command, files=()):
        """The command line that runs a command with the node's view of the
        file system (the sandbox's directories mounted where the node has
        them), as the same process: killing it kills the command. FILES:
        more (source, existing file of this machine) to mount."""
        for _, target in self._mounts():
            if not os.path.exists(target):
                os.makedirs(target)
        script = ['set -e']
        script += ['mount --bind {} {}'.format(shlex.quote(str(source)), shlex.quote(target))
                   for source, target in [*self._mounts(), *files]]
        script.append('exec ' + ' '.join(shlex.quote(str(part)) for part in command))
        return ['unshare', '--mount', '--propagation', 'private', 'bash', '-c', '\n'.join(script)]

    def run_in_node(self, command, env=None, timeout=300, files=()):
        return subprocess.run(self.in_node(command, files), capture_output=True, text=True,
                              timeout=timeout, env=dict(env or os.environ, LANG='C.UTF-8'))

    def apply(self, manifest, hiera, *extra_args, env=None):
        """Apply one of the plugin's task manifests with this Hiera data;
        env: the environment of Puppet (and of the commands it runs)."""
        (self.puppet_dir / 'hieradata' / 'astute.yaml').write_text(
            yaml.safe_dump(hiera))
        reports = self.puppet_dir / 'reports'
        for old in reports.rglob('*.yaml'):
            old.unlink()
        report_args = ('--reports', 'store', '--reportdir', str(reports), *extra_args)
        if self.puppet == '3.8.7':
            puppet = puppet38.apply_command(manifest, self.puppet_dir,
                                            self.puppet_dir / 'hiera3.yaml', *report_args,
                                            plugin_modules=self.plugin_modules)
            env = puppet38.with_node_facts(env or os.environ)
        else:
            puppet = plugin_deployment.puppet_apply(
                manifest, self.puppet_dir, self.puppet_dir / 'hiera.yaml', self.modules,
                *report_args, plugin_modules=self.plugin_modules)
        result = self.run_in_node(puppet, env=env)
        report_files = list(reports.rglob('*.yaml'))
        assert len(report_files) <= 1, report_files
        return Apply(result.returncode, result.stdout, result.stderr,
                     report_files[0].read_text() if report_files else '')
