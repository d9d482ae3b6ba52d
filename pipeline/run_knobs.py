"""The run knobs every runner reads from the environment, as `create_pipeline` arguments.

Each variable overrides the pipeline/configs.py value of the same name; unset or empty
means the configs.py value (README.md, "Two commands").
"""
import os
from typing import Mapping

from pipeline import configs


def _int(environ: Mapping[str, str], name: str, default):
  value = environ.get(name)
  return int(value) if value else default


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
  value = environ.get(name, '').strip().lower()
  if not value:
    return default
  if value not in ('0', '1', 'false', 'true', 'no', 'yes'):
    raise ValueError(f'{name}={value!r}: use 1/true/yes or 0/false/no')
  return value in ('1', 'true', 'yes')


def _path(environ: Mapping[str, str], name: str, default):
  """Absolute, so a relative folder means the same wherever the components run; URLs
  (gs://...) unchanged."""
  value = environ.get(name)
  if not value:
    return default
  return value if '://' in value else os.path.abspath(value)


def knobs_from_env(environ: Mapping[str, str] = os.environ) -> dict:
  """PRESET, TRAIN_STEPS, CLASSIFIER_TRAIN_STEPS, EVAL_SAMPLES, MAX_EXAMPLES, STOP_AFTER,
  WARM_START, INCOMING_DIR."""
  return {
      'preset': environ.get('PRESET') or configs.PRESET,
      'train_steps': _int(environ, 'TRAIN_STEPS', configs.TRAIN_STEPS),
      'classifier_train_steps': _int(environ, 'CLASSIFIER_TRAIN_STEPS',
                                     configs.CLASSIFIER_TRAIN_STEPS),
      'eval_samples': _int(environ, 'EVAL_SAMPLES', configs.EVAL_SAMPLES),
      'max_examples_per_split': _int(environ, 'MAX_EXAMPLES', None),
      'stop_after': environ.get('STOP_AFTER') or None,
      'warm_start': _bool(environ, 'WARM_START', configs.WARM_START),
      'incoming_dir': _path(environ, 'INCOMING_DIR', configs.INCOMING_DIR),
  }
