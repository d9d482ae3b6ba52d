"""`tfx pipeline create` and `tfx run create --engine local` drive local_runner.py."""
import os
import subprocess
import sys

from tests.support import pipelines

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TFX = os.path.join(os.path.dirname(sys.executable), 'tfx')


def _tfx(*args, env):
  result = subprocess.run([_TFX, *args], env=env, capture_output=True, text=True, cwd=_REPO,
                          timeout=900)
  assert result.returncode == 0, f'tfx {" ".join(args)} failed:\n{result.stdout[-3000:]}\n' \
                                 f'{result.stderr[-3000:]}'
  return result


def test_tfx_cli_creates_and_runs_the_pipeline(tmp_path, tfds_data_dir, mnist_dir):
  output = tmp_path / 'out'
  env = dict(os.environ, LOCAL_HOME=str(tmp_path / 'tfx_home'), TFX_OUTPUT_DIR=str(output),
             TFDS_DATA_DIR=tfds_data_dir, MNIST_DIR=mnist_dir, MAX_EXAMPLES='200',
             PIPELINE_NAME='cli_test', STOP_AFTER='validation')
  _tfx('pipeline', 'create', '--engine', 'local',
       '--pipeline_path', os.path.join(_REPO, 'local_runner.py'), env=env)
  assert (tmp_path / 'tfx_home' / 'cli_test' / 'pipeline_args.json').is_file()
  # Creating only compiles: nothing ran yet.
  assert not (output / 'metadata.sqlite').exists()

  _tfx('run', 'create', '--engine', 'local', '--pipeline_name', 'cli_test', env=env)
  paths = pipelines.Paths(output)
  [examples] = pipelines.live_artifacts(paths, 'Examples')
  assert len(pipelines.read_split(examples.uri, 'eval')) == 200
  assert len(pipelines.live_artifacts(paths, 'ExampleAnomalies')) == 1
