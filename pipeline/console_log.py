"""Keeps a local run's Python log readable: our lines, every warning and error, and one line
per stage, instead of TFX's INFO dumps.

A local run logs about 12,000 lines, nearly all of them INFO records of the libraries (TFX's
launcher prints each node's whole IR, every resolved input and published artifact as proto
text; Beam, TFMA and TFDV add their own). `install()` puts a filter on the handlers of the
root logger (absl's handler among them) that:

  * keeps every record of WARNING and above, from anyone;
  * keeps every record logged by this project's own modules (pipeline/, components/,
    models/, formats/: the training progress lines, the gates' figures, the pusher's verdict);
  * turns the local runner's "Component X is running / is finished" into one line each,
    the second with the stage's wall time;
  * drops the other INFO/DEBUG records of installed libraries.

`RUN_LOG=full` keeps everything (what TFX prints without this filter). The C++ lines that
TensorFlow writes straight to stderr are pipeline/console_noise.py's job.
"""
import logging
import os
import re
import time
from typing import Dict, Mapping

_PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OURS = tuple(os.path.join(_PROJECT, package) + os.sep
              for package in ('pipeline', 'components', 'models', 'formats', 'cli'))
_STAGE = re.compile(r'^Component (\S+) is (running|finished)\.$')
RUN_LOG_VALUES = ('stages', 'full')


class ReadableLog(logging.Filter):
  """The filter described in the module docstring."""

  def __init__(self):
    super().__init__()
    self._started: Dict[str, float] = {}

  def filter(self, record: logging.LogRecord) -> bool:
    if getattr(record, 'readable_log_kept', False):
      return True  # already judged (and perhaps rewritten) at the absl logger
    record.readable_log_kept = self._keep(record)
    return record.readable_log_kept

  def _keep(self, record: logging.LogRecord) -> bool:
    if record.levelno >= logging.WARNING or record.pathname.startswith(_OURS):
      return True
    stage = _STAGE.match(record.getMessage())
    if not stage:
      return False
    node, state = stage.groups()
    if state == 'running':
      self._started[node] = time.monotonic()
      record.msg, record.args = 'Stage %s: started', (node,)
    else:
      seconds = time.monotonic() - self._started.pop(node, time.monotonic())
      record.msg, record.args = 'Stage %s: finished in %.0f s', (node, seconds)
    return True


def run_log_mode(environ: Mapping[str, str]) -> str:
  """The RUN_LOG setting; a value outside RUN_LOG_VALUES raises naming the variable."""
  value = (environ.get('RUN_LOG') or 'stages').strip()
  if value not in RUN_LOG_VALUES:
    raise ValueError(f'RUN_LOG={value!r}: allowed {", ".join(RUN_LOG_VALUES)} (stages: our '
                     'lines, warnings, errors and one line per stage; full: every log line)')
  return value


def install(environ: Mapping[str, str] = os.environ) -> None:
  """Adds the filter to absl's logger (every absl.logging call, including TFX's, whatever
  handler is added later) and to the root logger's handlers (libraries logging through the
  standard library, e.g. Beam), unless RUN_LOG=full."""
  if run_log_mode(environ) == 'full':
    return
  readable = ReadableLog()
  logging.getLogger('absl').addFilter(readable)
  for handler in logging.getLogger().handlers:
    handler.addFilter(readable)
