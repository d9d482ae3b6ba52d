"""Where a run reads and writes, and when cron starts it, checked from the environment.

The runners' own variables, beside the pipeline's knobs (run_knobs.py): PIPELINE_NAME, the
folders (TFX_OUTPUT_DIR, LOCAL_HOME, TFDS_DATA_DIR, MNIST_DIR, INCOMING_DIR), container
images and CRON_SCHEDULE. Each check returns the value to use or raises a RunSettingsError
naming the variable, its value and what is allowed. `python -m pipeline.check_settings`
runs them from the command line. Imports no TensorFlow.
"""
import os
import re
from typing import Mapping, Optional

from pipeline.knob_errors import RunSettingsError, problem

# TFX allows 63 characters (tfx.orchestration.pipeline); the TFX CLI makes the name a
# folder under LOCAL_HOME and the Makefile a word of its commands, hence no '/' or spaces.
PIPELINE_NAME_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,62}')
PIPELINE_NAME_ALLOWED = ('1 to 63 letters, digits, _ or -, starting with a letter or digit '
                         '(TFX limits names to 63 characters; the TFX CLI makes it a folder)')

# A Docker image reference: [host[:port]/]path[:tag][@sha256:digest], path in lowercase.
_PATH_PART = r'[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
IMAGE_PATTERN = re.compile(rf'(?:[A-Za-z0-9.-]+(?::\d+)?/)?{_PATH_PART}(?:/{_PATH_PART})*'
                           r'(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?')
IMAGE_ALLOWED = 'a Docker image reference, e.g. europe-docker.pkg.dev/PROJECT/REPO/NAME:TAG'


def is_url(path: str) -> bool:
  return '://' in path


def _fail(variable: str, value: Optional[str], allowed: str):
  raise RunSettingsError([problem(variable, value, allowed)])


def pipeline_name(environ: Mapping[str, str], default: Optional[str]) -> Optional[str]:
  name = environ.get('PIPELINE_NAME') or default
  if name is not None and not PIPELINE_NAME_PATTERN.fullmatch(name):
    _fail('PIPELINE_NAME', name, PIPELINE_NAME_ALLOWED)
  return name


def image(environ: Mapping[str, str], variable: str, default: Optional[str]) -> Optional[str]:
  value = environ.get(variable) or default
  if value is not None and not IMAGE_PATTERN.fullmatch(value):
    _fail(variable, value, IMAGE_ALLOWED)
  return value


def _not_writable(path: str) -> Optional[str]:
  """Why this user cannot write the folder `path` or create it, or None when it can."""
  if os.path.exists(path):
    if not os.path.isdir(path):
      return f'{path} exists and is not a folder'
    return None if os.access(path, os.W_OK | os.X_OK) else f'{path} is not writable'
  parent = os.path.dirname(path)
  while not os.path.exists(parent):
    parent = os.path.dirname(parent)
  if not os.path.isdir(parent):
    return f'cannot create it: {parent} is not a folder'
  return None if os.access(parent, os.W_OK | os.X_OK) else f'cannot create it in {parent}'


def writable_folder(environ: Mapping[str, str], variable: str, default: Optional[str] = None,
                    urls: bool = False, here: bool = True) -> Optional[str]:
  """A folder the run writes: absolute; a URL only if `urls` (not checked: no credentials
  at build time). With `here` (the run writes on this machine) a local one must be a
  folder this user can write, or create."""
  value = environ.get(variable) or default
  if value is None:
    return None
  if is_url(value):
    if not urls:
      _fail(variable, value, 'a local folder, not a URL (this runner writes it on this machine)')
    return value
  path = os.path.abspath(value)
  reason = _not_writable(path) if here else None
  if reason:
    _fail(variable, value, f'a folder this user can write or create ({reason})')
  return path


def remote_folder(environ: Mapping[str, str], variable: str,
                  default: Optional[str] = None) -> str:
  """A folder every container reaches (Kubeflow V2 / Vertex): a URL such as gs://..."""
  value = environ.get(variable) or default
  if not value or not is_url(value):
    _fail(variable, value or None, 'a gs:// folder (every component runs in its own container, '
          'so a local path would not outlive it)')
  return value


def input_folder(environ: Mapping[str, str], variable: str, here: bool = True) -> Optional[str]:
  """A folder the run reads: absolute, or a URL unchanged (not checked); unset -> None.
  With `here` (the components run on this machine) a local one must exist now."""
  value = environ.get(variable)
  if not value:
    return None
  if is_url(value):
    return value
  path = os.path.abspath(value)
  if here and not os.path.isdir(path):
    reason = 'is not a folder' if os.path.exists(path) else 'does not exist'
    _fail(variable, value, f'an existing folder ({path} {reason})')
  return path


# Cron's five fields: name, lowest, highest value, names allowed in place of numbers.
_CRON_FIELDS = (
    ('minute', 0, 59, ()),
    ('hour', 0, 23, ()),
    ('day of month', 1, 31, ()),
    ('month', 1, 12, ('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct',
                      'nov', 'dec')),
    ('day of week', 0, 7, ('sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat')),
)
CRON_MACROS = ('@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly')
CRON_ALLOWED = ('five cron fields "minute hour day-of-month month day-of-week" (numbers, *, '
                f'ranges a-b, lists a,b, steps /n; names for month and weekday) or one of '
                f'{", ".join(CRON_MACROS)}')
_CRON_ITEM = re.compile(r'(\*|\d+(?:-\d+)?)(?:/(\d+))?|([a-z]{3})')


def _cron_field_ok(field: str, lowest: int, highest: int, names) -> bool:
  for item in field.split(','):
    match = _CRON_ITEM.fullmatch(item.lower())
    if not match:
      return False
    span, step, name = match.groups()
    if name is not None:
      if name not in names:
        return False
      continue
    if step is not None and int(step) < 1:
      return False
    if span != '*':
      low, _, high = span.partition('-')
      low, high = int(low), int(high or low)
      if not lowest <= low <= high <= highest:
        return False
  return True


def cron_schedule(environ: Mapping[str, str], default: str = '0 3 * * *') -> str:
  value = environ.get('CRON_SCHEDULE') or default
  if value.strip() in CRON_MACROS:
    return value.strip()
  fields = value.split()
  if len(fields) != 5 or not all(
      _cron_field_ok(field, *rule[1:]) for field, rule in zip(fields, _CRON_FIELDS)):
    _fail('CRON_SCHEDULE', value, CRON_ALLOWED)
  return value
