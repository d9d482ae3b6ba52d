"""local_runner.py refuses to start while another run holds the output folder's lock, or
when a run setting is bad."""
import fcntl
import os
import subprocess
import sys

import local_runner
from pipeline import run_knobs

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_second_run_refuses_while_the_lock_is_held(tmp_path, tfds_data_dir, mnist_dir):
  output = tmp_path / 'out'
  lock_path = local_runner.output_paths(str(output))['run_lock']
  os.makedirs(output)
  env = dict(os.environ, TFX_OUTPUT_DIR=str(output), TFDS_DATA_DIR=tfds_data_dir,
             MNIST_DIR=mnist_dir, MAX_EXAMPLES='100', PIPELINE_NAME='lock_test',
             STOP_AFTER='validation')
  with open(lock_path, 'w') as held:  # this test process plays the run in progress
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    held.write('pid 4242, started earlier\n')
    held.flush()
    result = subprocess.run([sys.executable, os.path.join(_REPO, 'local_runner.py')], env=env,
                            capture_output=True, text=True, cwd=_REPO, timeout=600)
  assert result.returncode != 0
  assert f'{lock_path} is locked' in result.stderr
  assert 'Another run of this pipeline is in progress (pid 4242' in result.stderr
  assert not (output / 'metadata.sqlite').exists()  # refused before touching ML Metadata


# Under `make test` these come from the outer make's environment, and an inner make keeps an
# environment value over its own `?=` defaults: start the inner make from a clean slate.
_MAKE_ENV = ('TFX_OUTPUT_DIR', 'OUTPUT_DIR', 'MNIST_DIR', 'MAX_EXAMPLES', 'PIPELINE_NAME',
             'LOCAL_HOME', 'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'TFDS_DATA_DIR')


def test_make_run_with_a_bad_knob_stops_before_any_component(tmp_path):
  output = tmp_path / 'out'
  no_files = tmp_path / 'mnist'
  no_files.mkdir()
  knobs = {knob.variable for knob in run_knobs.KNOBS}
  env = {k: v for k, v in os.environ.items()
         if k not in _MAKE_ENV and k not in knobs and not k.startswith('BEAM_')}
  # Were STOP_AFTER unchecked, the run would start, and fail fast in the ExampleGen (no MNIST
  # files, a fresh TFDS folder) after writing ML Metadata and the pipeline root.
  result = subprocess.run(
      ['make', 'run', f'OUTPUT_DIR={output}', f'MNIST_DIR={no_files}', 'STOP_AFTER=bogus',
       'PIPELINE_NAME=knob_test', f'TFDS_DATA_DIR={tmp_path / "tfds"}'],
      cwd=_REPO, env=env, capture_output=True, text=True, timeout=600)
  assert result.returncode != 0
  # One line for the user (from `tfx pipeline create`, which runs local_runner.py), no traceback.
  assert ("\nBad run setting, nothing has run: STOP_AFTER='bogus': one of 'validation', "
          "'training' (unset: the whole pipeline)\nmake: ***") in result.stderr
  assert 'Traceback' not in result.stderr
  assert not (output / 'metadata.sqlite').exists()
  assert not (output / 'pipeline_root').exists()
  assert not (output / 'tfx_cli' / 'knob_test').exists()  # not even registered
