"""`make schedule` prints one crontab line that skips a start while a run holds its lock."""
import fcntl
import os
import subprocess

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Under `make test` these come from the outer make's environment, and an inner make keeps an
# environment value over its own `?=` defaults: start the inner make from a clean slate.
_MAKE_ENV = ('TFX_OUTPUT_DIR', 'OUTPUT_DIR', 'MNIST_DIR', 'MAX_EXAMPLES', 'PIPELINE_NAME',
             'LOCAL_HOME', 'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'CRON_SCHEDULE')


def _cron_line(**variables):
  env = {k: v for k, v in os.environ.items() if k not in _MAKE_ENV}
  result = subprocess.run(['make', '-s', 'schedule'] + [f'{k}={v}' for k, v in variables.items()],
                          cwd=_REPO, env=env, capture_output=True, text=True, timeout=60,
                          check=True)
  return result.stdout


def test_prints_one_crontab_line_with_the_run_settings(tmp_path):
  output = tmp_path / 'out'
  text = _cron_line(OUTPUT_DIR=output, MNIST_DIR='../shared/data/mnist',
                    CRON_SCHEDULE='15 2 * * 1')
  assert text.count('\n') == 1  # crontab has no continuation lines
  line = text.strip()
  assert line.startswith('15 2 * * 1 cd ' + _REPO + ' && ')
  for setting in (f'TFX_OUTPUT_DIR={output}',
                  'MNIST_DIR=' + os.path.abspath(os.path.join(_REPO, '../shared/data/mnist')),
                  f'LOCAL_HOME={output}/tfx_cli', 'PIPELINE_NAME=mnist_gan',
                  f'flock -n {output}/.cron.lock',
                  f'{_REPO}/.venv/bin/tfx run create --engine local --pipeline_name mnist_gan',
                  f'>> {output}/cron.log 2>&1'):
    assert setting in line


def test_skips_the_start_while_the_previous_run_holds_the_lock(tmp_path):
  output = tmp_path / 'out'
  output.mkdir()
  line = _cron_line(OUTPUT_DIR=output).strip()
  command = line.split(' ', 5)[5]  # what cron hands to /bin/sh after the five time fields
  with open(output / '.cron.lock', 'w') as held:
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a run in progress
    result = subprocess.run(['/bin/sh', '-c', command], capture_output=True, timeout=60)
  assert result.returncode == 1  # flock -n gave up at once
  assert (output / 'cron.log').read_text() == ''
  assert sorted(os.listdir(output)) == ['.cron.lock', 'cron.log']  # tfx never started
