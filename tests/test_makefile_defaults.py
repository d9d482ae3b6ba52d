"""The Makefile spells no default of its own: PIPELINE_NAME is pipeline/configs.py's.

Runs the real Makefile in a scratch folder beside a configs.py with another name, so a name
written into the Makefile itself would show. No TensorFlow: make reads the file with sed.
"""
import os
import shutil
import subprocess

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PRINT = 'print-name: ; @echo "[$(PIPELINE_NAME)]"'


def _make_pipeline_name(folder, *variables):
  env = {k: v for k, v in os.environ.items()
         if k not in ('PIPELINE_NAME', 'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL')}
  return subprocess.run(['make', '-s', '--eval', _PRINT, 'print-name', *variables], cwd=folder,
                        env=env, capture_output=True, text=True, timeout=60)


def _scratch_repo(tmp_path, configs_text):
  shutil.copy(os.path.join(_REPO, 'Makefile'), tmp_path / 'Makefile')
  (tmp_path / 'pipeline').mkdir()
  (tmp_path / 'pipeline' / 'configs.py').write_text(configs_text)
  return tmp_path


def test_the_pipeline_name_is_read_from_configs(tmp_path):
  folder = _scratch_repo(tmp_path, '"""Constants."""\nimport os\n\nPIPELINE_NAME = \'nightly_gan\'\n')
  result = _make_pipeline_name(folder)
  assert result.returncode == 0, result.stderr
  assert result.stdout == '[nightly_gan]\n'
  assert _make_pipeline_name(folder, 'PIPELINE_NAME=other').stdout == '[other]\n'


def test_the_repository_makefile_gives_configs_name():
  from pipeline import configs  # pylint: disable=g-import-not-at-top
  assert _make_pipeline_name(_REPO).stdout == f'[{configs.PIPELINE_NAME}]\n'


def test_a_configs_without_the_name_stops_make_naming_the_file(tmp_path):
  folder = _scratch_repo(tmp_path, 'NAME = 1\n')
  result = _make_pipeline_name(folder)
  assert result.returncode != 0
  assert f"no PIPELINE_NAME = '...' line in {folder}/pipeline/configs.py" in result.stderr
