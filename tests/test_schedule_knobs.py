"""`make schedule` passes the run knobs it was given on to cron, and checks them first.

`tfx run create` builds the pipeline anew from cron's environment, which holds only what
the crontab line sets: a knob left out of the line would silently be the configs.py value.
"""
import os
import shlex
import subprocess

from pipeline import run_knobs

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# As tests/test_cron_schedule.py: the inner make starts from a clean slate, without the
# outer make's (or the caller's) settings.
_MAKE_ENV = ('TFX_OUTPUT_DIR', 'OUTPUT_DIR', 'MNIST_DIR', 'MAX_EXAMPLES', 'PIPELINE_NAME',
             'LOCAL_HOME', 'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'CRON_SCHEDULE', 'TFDS_DATA_DIR')


def _schedule(*variables):
  knobs = {knob.variable for knob in run_knobs.KNOBS}
  env = {k: v for k, v in os.environ.items()
         if k not in _MAKE_ENV and k not in knobs and not k.startswith('BEAM_')}
  return subprocess.run(['make', '-s', 'schedule', *variables], cwd=_REPO, env=env,
                        capture_output=True, text=True, timeout=120)


def _assignments(line):
  """The VAR=value words of the cron command, as /bin/sh reads them."""
  words = shlex.split(line.split(' ', 5)[5])  # after the five time fields
  return dict(word.split('=', 1) for word in words if '=' in word and word[0].isupper())


def test_set_knobs_reach_the_cron_line_quoted_for_the_shell(tmp_path):
  result = _schedule(f'OUTPUT_DIR={tmp_path}', 'PRESET=mlp', 'TRAIN_STEPS=10',
                     'WARM_START=no', 'BEAM_EXTRA_ARGS=--job_name=\'nightly run\'',
                     'GAN_CONFIG=lr_g=0.0001, g_noise=fresh', 'MODEL_AUTHOR=Example  Corp',
                     'MODEL_LICENSE=CC BY 4.0 (O\'Brien & Co; "x")')
  assert result.returncode == 0, result.stderr[-2000:]
  line = result.stdout.strip()
  assert result.stdout.count('\n') == 1
  settings = _assignments(line)
  assert settings['PRESET'] == 'mlp'
  assert settings['TRAIN_STEPS'] == '10'
  assert settings['WARM_START'] == 'no'
  assert settings['BEAM_EXTRA_ARGS'] == "--job_name='nightly run'"
  assert settings['GAN_CONFIG'] == 'lr_g=0.0001, g_noise=fresh'
  assert settings['MODEL_AUTHOR'] == 'Example Corp'  # what the knob makes of 'Example  Corp'
  assert settings['MODEL_LICENSE'] == 'CC BY 4.0 (O\'Brien & Co; "x")'
  assert 'EVAL_SAMPLES' not in settings  # unset knobs stay unset: the configs.py value


def test_bad_knobs_and_schedule_are_refused_with_their_names(tmp_path):
  result = _schedule(f'OUTPUT_DIR={tmp_path}', 'PRESET=nope', 'CRON_SCHEDULE=0 3 * *',
                     'GAN_CONFIG=lr_g=fast', 'MODEL_LICENSE=100% mine')
  assert result.returncode != 0
  assert result.stdout == ''  # no line to paste into crontab
  assert "PRESET='nope': one of the registered presets" in result.stderr
  assert "CRON_SCHEDULE='0 3 * *': five cron fields" in result.stderr
  assert "GAN_CONFIG='lr_g=fast': lr_g='fast' is not a number" in result.stderr
  assert "MODEL_LICENSE='100% mine': holds '%'" in result.stderr  # crontab's line break
  assert 'Traceback' not in result.stderr
