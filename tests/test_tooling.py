"""The project's own tooling: the Python 3 port of fuel-plugin-builder, the
YAML lint that every YAML file passes, and `make spec-cost`."""

import shutil
import subprocess

import pytest
import yaml

from support.project import REPO, VENV_ROOT, run

FPB_PYTHON = VENV_ROOT / 'fpb' / 'bin' / 'python'
MITAKA_MISTRAL_PYTHON = VENV_ROOT / 'mitaka-mistral' / 'bin' / 'python'


def fpb_python(code):
    return run([str(FPB_PYTHON), '-c', code]).stdout.strip()


@pytest.fixture(scope='module')
def installed_fpb_package(fpb):
    return fpb_python('import fuel_plugin_builder, os; '
                      'print(os.path.dirname(fuel_plugin_builder.__file__))')


def test_ported_fpb_keeps_command_line_text(installed_fpb_package):
    """Plugin paths with non-ASCII characters reach fpb unchanged."""
    assert fpb_python('from fuel_plugin_builder import cli; '
                      'print(cli.decode_string("plügin"))') == 'plügin'


def test_ported_fpb_parses_yaml_safely(installed_fpb_package, tmp_path):
    unsafe = tmp_path / 'unsafe.yaml'
    unsafe.write_text('!!python/object/apply:os.system ["true"]\n')
    result = subprocess.run(
        [str(FPB_PYTHON), '-c', 'import sys; from fuel_plugin_builder import '
         'utils; utils.parse_yaml(sys.argv[1])', str(unsafe)],
        capture_output=True, text=True)
    assert result.returncode != 0
    assert 'ConstructorError' in result.stderr


def test_port_fails_loudly_when_it_no_longer_applies(installed_fpb_package,
                                                     tmp_path):
    """Run on an already ported copy, the edits' texts are gone: the port
    must stop with a message naming the file, not half-apply."""
    copy = tmp_path / 'fuel_plugin_builder'
    shutil.copytree(installed_fpb_package, copy)
    result = subprocess.run(
        [str(FPB_PYTHON), str(REPO / 'tools' / 'port_fpb.py'), str(copy)],
        capture_output=True, text=True)
    assert result.returncode != 0
    assert 'cli.py' in result.stderr
    assert 'no longer applies' in result.stderr


def test_every_yaml_file_passes_yamllint():
    yamllint = VENV_ROOT / 'test' / 'bin' / 'yamllint'
    assert (REPO / '.yamllint').is_file()
    result = subprocess.run([str(yamllint), '--strict', '.'], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_spec_cost_times_each_workflow_with_mistral_2_0_0():
    """`make spec-cost` lists every workflow of the workbook once, with its
    number of tasks, as timed by Mistral 2.0.0's own parser (Python 2.7)."""
    assert MITAKA_MISTRAL_PYTHON.exists(), 'run tools/install-deps.sh'
    table = run([str(MITAKA_MISTRAL_PYTHON), str(REPO / 'tests' / 'bench' / 'spec_parse_cost.py'),
                 '--repeat', '1']).stdout
    rows = [[cell.strip() for cell in line.split('|')[1:4]] for line in table.splitlines()[2:]]
    workflows = yaml.safe_load((REPO / 'examples' / 'mistral_workbook.yaml').read_text())[
        'workflows']
    assert {name: int(tasks) for name, tasks, _ in rows} == {
        name: len(workflow['tasks']) for name, workflow in workflows.items()}
    assert len(rows) == len(workflows)
    assert all(float(milliseconds) > 0 for _, _, milliseconds in rows), table
