"""The readable run log (pipeline/console_log.py): our lines, warnings and errors and one
line per stage are kept; the libraries' INFO dumps are dropped; RUN_LOG=full keeps all."""
import logging
import os
import subprocess
import sys

import pytest

from pipeline import console_log

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A child process, so the filter sits on a real absl set-up as local_runner.py has it; the
# "library" records are logged from a file under the venv's site-packages (tfx's own
# local_dag_runner.py and launcher.py would be the real ones).
_CHILD = r'''
import logging, os, sys
sys.path.insert(0, {root!r})
from absl import logging as absl_logging
from tfx.orchestration.local import local_dag_runner
from pipeline import console_log
absl_logging.set_verbosity(absl_logging.INFO)
console_log.install()
library = compile("""
from absl import logging as absl_logging
import logging as std_logging
def run():
  absl_logging.info('Going to run a new execution: ExecutionInfo(execution_id=7, big proto)')
  absl_logging.info('Component %s is running.', 'Trainer')
  absl_logging.warning('ArtifactQuery.property_predicate is not supported.')
  std_logging.getLogger('apache_beam.x').info('Beam INFO chatter')
  std_logging.getLogger('apache_beam.x').error('Beam ERROR line')
  absl_logging.info('Component %s is finished.', 'Trainer')
""", local_dag_runner.__file__, 'exec')
namespace = {{}}
exec(library, namespace)
from components import artifact_io  # any module of ours, as the caller of our own line
ours = compile("from absl import logging\ndef run():\n  logging.info('step 100/6000  ETA 3 min')\n",
               artifact_io.__file__, 'exec')
ours_namespace = {{}}
exec(ours, ours_namespace)
namespace['run']()
ours_namespace['run']()
'''


def _child_log(env_extra):
  env = dict(os.environ, **env_extra)
  result = subprocess.run([sys.executable, '-c', _CHILD.format(root=_ROOT)], env=env,
                          capture_output=True, text=True, timeout=300, check=True)
  return result.stderr


def test_keeps_ours_warnings_errors_and_stage_lines_and_drops_library_info():
  log = _child_log({'RUN_LOG': ''})
  assert 'Going to run a new execution' not in log
  assert 'Stage Trainer: started' in log
  assert 'Stage Trainer: finished in 0 s' in log
  assert 'ArtifactQuery.property_predicate is not supported.' in log
  assert 'Beam ERROR line' in log
  assert 'step 100/6000  ETA 3 min' in log


def test_run_log_full_keeps_everything():
  log = _child_log({'RUN_LOG': 'full'})
  assert 'Going to run a new execution' in log
  assert 'Component Trainer is running.' in log


def test_a_bad_run_log_value_names_the_variable():
  with pytest.raises(ValueError, match=r"RUN_LOG='loud': allowed stages, full"):
    console_log.run_log_mode({'RUN_LOG': 'loud'})
  assert console_log.run_log_mode({}) == 'stages'
  assert logging.getLogger('absl').filters == []  # nothing installed by these checks
