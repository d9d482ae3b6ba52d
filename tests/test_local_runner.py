"""local_runner.py refuses to start while another run holds the output folder's lock."""
import fcntl
import os
import subprocess
import sys

import local_runner

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
