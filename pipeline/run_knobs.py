"""The run knobs every runner reads from the environment, as `create_pipeline` arguments.

Each variable overrides the pipeline/configs.py value of the same name; unset or empty
means the configs.py value (docs/operating.md, "Run knobs"). `KNOBS` is the one table of them:
variable, argument, default, allowed values and parser. `knobs_from_env` checks every knob
and raises one `RunSettingsError` listing each bad one (variable, value, allowed values),
so a typo stops the build instead of a component deep in the run.
"""
import dataclasses
import os
import re
from typing import Any, Callable, Mapping, Optional

from models.presets import PRESETS
from pipeline import configs
from pipeline.knob_errors import RunSettingsError, gather, problem

# What STOP_AFTER may name; create_pipeline builds only the stages up to it.
STOP_AFTER_STAGES = ('validation', 'training')
_TRUE, _FALSE = ('1', 'true', 'yes'), ('0', 'false', 'no')


@dataclasses.dataclass(frozen=True)
class Knob:
  """One environment variable and the `create_pipeline` argument it sets."""
  variable: str
  argument: str
  default: Any  # when the variable is unset or empty
  allowed: str  # what the error message and docs/operating.md say is allowed
  # The value of a set variable; raises ValueError when it is not allowed.
  parse: Callable[[str], Any]


def _whole_number(minimum: int) -> Callable[[str], int]:
  def parse(value: str) -> int:
    # Digits only: int() would also take '1_000', '+5' or ' 5', and negative numbers.
    if not re.fullmatch(r'\d+', value.strip()) or int(value) < minimum:
      raise ValueError(value)
    return int(value)
  return parse


def _one_of(choices) -> Callable[[str], str]:
  def parse(value: str) -> str:
    if value not in choices:
      raise ValueError(value)
    return value
  return parse


def _flag(value: str) -> bool:
  value = value.strip().lower()
  if value not in _TRUE + _FALSE:
    raise ValueError(value)
  return value in _TRUE


def _folder(value: str) -> str:
  """Absolute, so a relative folder means the same wherever the components run; URLs
  (gs://...) unchanged. Whether the folder exists is the runner's check (run_settings.py):
  only a runner knows whether the components run on this machine."""
  return value if '://' in value else os.path.abspath(value)


def _listed(choices) -> str:
  return ', '.join(repr(c) for c in choices)


KNOBS = (
    Knob('PRESET', 'preset', configs.PRESET,
         f'one of the registered presets (models/presets): {_listed(sorted(PRESETS))}',
         _one_of(PRESETS)),
    Knob('TRAIN_STEPS', 'train_steps', configs.TRAIN_STEPS, 'a whole number >= 1',
         _whole_number(1)),
    Knob('CLASSIFIER_TRAIN_STEPS', 'classifier_train_steps', configs.CLASSIFIER_TRAIN_STEPS,
         'a whole number >= 1', _whole_number(1)),
    # FID needs a covariance, hence two samples at least (components/sample_quality).
    Knob('EVAL_SAMPLES', 'eval_samples', configs.EVAL_SAMPLES,
         'a whole number >= 2 (FID needs two samples)', _whole_number(2)),
    Knob('MAX_EXAMPLES', 'max_examples_per_split', None,
         'a whole number >= 1 (unset: every example)', _whole_number(1)),
    Knob('STOP_AFTER', 'stop_after', None,
         f'one of {_listed(STOP_AFTER_STAGES)} (unset: the whole pipeline)',
         _one_of(STOP_AFTER_STAGES)),
    Knob('WARM_START', 'warm_start', configs.WARM_START, 'one of 1/true/yes or 0/false/no',
         _flag),
    Knob('INCOMING_DIR', 'incoming_dir', configs.INCOMING_DIR,
         'a folder or a gs:// URL (unset: TFDS data only)', _folder),
)


def _knob_value(knob: Knob, environ: Mapping[str, str]) -> Callable[[], Any]:
  def check():
    value: Optional[str] = environ.get(knob.variable)
    if not value:
      return knob.default
    try:
      return knob.parse(value)
    except ValueError:
      raise RunSettingsError([problem(knob.variable, value, knob.allowed)]) from None
  return check


def knobs_from_env(environ: Mapping[str, str] = os.environ) -> dict:
  """`create_pipeline` arguments from the KNOBS variables of `environ`; one
  RunSettingsError naming every bad variable."""
  return gather(**{knob.argument: _knob_value(knob, environ) for knob in KNOBS})
