"""The operator's installation on a Fuel master (the guide's Installation
chapter): `fuel plugins --install` of the RPM `make build` makes, on the
Nailgun and CLI of Fuel 9.0, 9.1, 9.2 and mitaka-eol."""

from support.project import PLUGIN_NAME


def test_fuel_plugins_install_registers_the_plugin(master):
    assert 'was successfully installed' in master.installed.stdout, master.installed
    listed = master.fuel('plugins', '--list').stdout
    row = next(line for line in listed.splitlines() if PLUGIN_NAME in line)
    assert [cell.strip() for cell in row.split('|')][1:] == [
        PLUGIN_NAME, '1.0.0', '4.0.0', 'ubuntu (mitaka-9.0)']


def test_registration_logs_nothing_about_the_package(master):
    """Nailgun 9.0 warns, and 9.2 and later log a traceback, for each
    optional file a plugin lacks (tasks.yaml, network_roles.yaml,
    node_roles.yaml, volumes.yaml): the package has them all."""
    assert master.install_log
    logged = [(level, text[:300]) for level, text, _ in master.install_log
              if (level in ('WARNING', 'ERROR', 'CRITICAL') or 'Traceback' in text)
              and PLUGIN_NAME in text]
    assert logged == []
