"""`python -m cli generate`: PNG grids from every model layout, LiteRT without TF, errors."""
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image
import pytest
from tfx.utils import path_utils

from components.versioned_pusher import publish
from cli import __main__ as cli
from tests.components import tflite_helpers as helpers

# The LiteRT child's blocker from tflite_helpers: any TF/Keras import fails, then the CLI runs.
_NO_TF_CLI = helpers.BLOCK_TENSORFLOW + r'''
import runpy
sys.argv = ['cli'] + sys.argv[1:]
try:
  runpy.run_module('cli', run_name='__main__')
except SystemExit as e:
  code = e.code
else:
  code = 0
''' + helpers.ASSERT_NO_TENSORFLOW_LOADED + 'sys.exit(code)\n'


@pytest.fixture(scope='module')
def conditional(tmp_path_factory):
  """The `default` preset (conditional), untrained, exported and converted by the project's
  own code: {'saved_model': folder, 'tflite': {variant: folder with tflite + card.json}}."""
  root = tmp_path_factory.mktemp('default')
  model_uri = helpers.export_real_preset('default', str(root / 'model'))
  outputs = helpers.run_do(model_uri, root, parity_samples=100, latency_runs=2)
  return {'saved_model': path_utils.serving_model_dir(model_uri),
          'tflite': {v: path_utils.serving_model_dir(a.uri) for v, a in outputs.items()}}


def _png(path):
  """uint8 [H, W] of an 8-bit grayscale PNG."""
  with Image.open(path) as image:
    assert image.mode == 'L' and image.format == 'PNG'
    return np.asarray(image)


def _assert_grid(path, height, width):
  pixels = _png(path)
  assert pixels.shape == (height, width)
  assert pixels.max() > pixels.min(), 'constant image: the generator output was lost'


def _run(*args, no_tensorflow=False):
  command = ['-c', _NO_TF_CLI] if no_tensorflow else ['-m', 'cli']
  return subprocess.run([sys.executable, *command, 'generate', *args], cwd=helpers.REPO,
                        capture_output=True, text=True, timeout=300, check=False,
                        env=dict(os.environ, PYTHONPATH=helpers.REPO))


def test_saved_model_digit_grid_is_square(conditional, tmp_path):
  out = str(tmp_path / 'grid.png')
  cli.main(['generate', '--model', conditional['saved_model'], '--digit', '7', '--count', '16',
            '--out', out])
  _assert_grid(out, 4 * 28, 4 * 28)


def test_conditional_without_digit_draws_one_row_per_digit(conditional, tmp_path):
  out = str(tmp_path / 'rows.png')
  cli.main(['generate', '--model', conditional['saved_model'], '--count', '3', '--out', out])
  _assert_grid(out, 10 * 28, 3 * 28)


def test_tflite_file_runs_without_tensorflow(conditional, tmp_path):
  folder = conditional['tflite']['int8']
  shutil.copy(os.path.join(folder, 'tflite'), tmp_path / 'generator.tflite')
  shutil.copy(os.path.join(folder, 'card.json'), tmp_path / 'card.json')
  out = str(tmp_path / 'grid.png')
  proc = _run('--model', str(tmp_path / 'generator.tflite'), '--digit', '3', '--count', '16',
              '--out', out, no_tensorflow=True)
  assert proc.returncode == 0, proc.stderr[-3000:]
  _assert_grid(out, 4 * 28, 4 * 28)


def test_pushed_version_uses_latest_saved_model_or_variant(conditional, tmp_path):
  def fill(folder):  # the VersionedPusher's layout
    shutil.copytree(conditional['saved_model'], os.path.join(folder, 'saved_model'))
    for variant, source in conditional['tflite'].items():
      target = os.path.join(folder, 'tflite', variant)
      os.makedirs(target)
      shutil.copy(os.path.join(source, 'tflite'), os.path.join(target, 'model.tflite'))
      shutil.copy(os.path.join(source, 'card.json'), os.path.join(target, 'card.json'))

  serving = str(tmp_path / 'serving')
  publish.publish(serving, fill, {})
  cli.main(['generate', '--model', serving, '--digit', '1', '--count', '5',
            '--out', str(tmp_path / 'saved.png')])
  _assert_grid(str(tmp_path / 'saved.png'), 2 * 28, 3 * 28)  # 5 images -> 3 columns, 2 rows
  version = publish.latest_version(serving)
  cli.main(['generate', '--model', version, '--variant', 'fp16', '--count', '2',
            '--out', str(tmp_path / 'fp16.png')])
  _assert_grid(str(tmp_path / 'fp16.png'), 10 * 28, 2 * 28)


def test_unconditional_model_rejects_digit_naming_preset(tmp_path, capsys):
  model = path_utils.serving_model_dir(helpers.export_real_preset('mlp', str(tmp_path / 'm')))
  out = str(tmp_path / 'grid.png')
  cli.main(['generate', '--model', model, '--count', '9', '--out', out])
  _assert_grid(out, 3 * 28, 3 * 28)
  with pytest.raises(SystemExit) as exit_info:
    cli.main(['generate', '--model', model, '--digit', '4', '--out', out])
  assert exit_info.value.code == 2
  assert "preset 'mlp') is unconditional" in capsys.readouterr().err


def test_digit_out_of_range_is_an_error(conditional, tmp_path, capsys):
  with pytest.raises(SystemExit) as exit_info:
    cli.main(['generate', '--model', conditional['saved_model'], '--digit', '11',
              '--out', str(tmp_path / 'grid.png')])
  assert exit_info.value.code == 2
  assert '--digit 11 is not a digit: use 0-9' in capsys.readouterr().err
  assert not os.path.exists(tmp_path / 'grid.png')


def test_bad_path_exits_nonzero_naming_the_path(tmp_path):
  missing = str(tmp_path / 'no_such_model')
  proc = _run('--model', missing, '--out', str(tmp_path / 'grid.png'))
  assert proc.returncode == 2
  assert f'--model {missing} does not exist; expected a pushed version folder' in proc.stderr
  (tmp_path / 'empty').mkdir()
  proc = _run('--model', str(tmp_path / 'empty'), '--out', str(tmp_path / 'grid.png'))
  assert proc.returncode == 2 and 'empty is not a generator model' in proc.stderr
