"""The run knobs every runner reads from the environment, as `create_pipeline` arguments.

Each variable overrides the pipeline/configs.py value of the same name; unset or empty
means the configs.py value (docs/operating.md, "Run knobs"). `KNOBS` is the one table of them:
variable, argument, default, allowed values and parser. `knobs_from_env` checks every knob
and raises one `RunSettingsError` listing each bad one (variable, value, allowed values),
so a typo stops the build instead of a component deep in the run.
"""
import dataclasses
import os
from typing import Any, Callable, Mapping, Optional

from models.presets import PRESETS
from pipeline import configs
from pipeline import gan_config
from pipeline import knob_text
from pipeline.knob_errors import RunSettingsError, gather, problem
from pipeline.knob_values import FLAG_ALLOWED, flag, folder, listed, one_of, whole_number

# What STOP_AFTER may name; create_pipeline builds only the stages up to it.
STOP_AFTER_STAGES = ('validation', 'training')


@dataclasses.dataclass(frozen=True)
class Knob:
  """One environment variable and the `create_pipeline` argument it sets."""
  variable: str
  argument: str
  default: Any  # when the variable is unset or empty
  allowed: str  # what the error message and docs/operating.md say is allowed
  # The value of a set variable; raises ValueError when it is not allowed, with a message
  # when one part of the text is wrong (a GAN_CONFIG key), which the error then names.
  parse: Callable[[str], Any]


KNOBS = (
    Knob('PRESET', 'preset', configs.PRESET,
         f'one of the registered presets (models/presets): {listed(sorted(PRESETS))}',
         one_of(PRESETS)),
    Knob('TRAIN_STEPS', 'train_steps', configs.TRAIN_STEPS, 'a whole number >= 1',
         whole_number(1)),
    Knob('CLASSIFIER_TRAIN_STEPS', 'classifier_train_steps', configs.CLASSIFIER_TRAIN_STEPS,
         'a whole number >= 1', whole_number(1)),
    # FID needs a covariance, hence two samples at least (components/sample_quality).
    Knob('EVAL_SAMPLES', 'eval_samples', configs.EVAL_SAMPLES,
         'a whole number >= 2 (FID needs two samples)', whole_number(2)),
    Knob('MAX_EXAMPLES', 'max_examples_per_split', None,
         'a whole number >= 1 (unset: every example)', whole_number(1)),
    Knob('STOP_AFTER', 'stop_after', None,
         f'one of {listed(STOP_AFTER_STAGES)} (unset: the whole pipeline)',
         one_of(STOP_AFTER_STAGES)),
    Knob('WARM_START', 'warm_start', configs.WARM_START, FLAG_ALLOWED, flag),
    Knob('INCOMING_DIR', 'incoming_dir', configs.INCOMING_DIR,
         'a folder or a gs:// URL (unset: TFDS data only)', folder),
    # Every other TrainConfig field, beside `preset` (docs/operating.md lists them).
    Knob('GAN_CONFIG', 'gan_config', None, gan_config.ALLOWED, gan_config.parse),
    # What every shipped .tflite's metadata says of who made it and under which license
    # (TFLiteExport); unset: the exporter's defaults, which claim no license.
    Knob('MODEL_AUTHOR', 'model_author', configs.MODEL_AUTHOR,
         f'{knob_text.ALLOWED} (unset: the pipeline is named as author)', knob_text.free_text),
    Knob('MODEL_LICENSE', 'model_license', configs.MODEL_LICENSE,
         f'{knob_text.ALLOWED} (unset: no license is claimed)', knob_text.free_text),
)


def _knob_value(knob: Knob, environ: Mapping[str, str]) -> Callable[[], Any]:
  def check():
    value: Optional[str] = environ.get(knob.variable)
    if not value:
      return knob.default
    try:
      return knob.parse(value)
    except ValueError as error:
      allowed = f'{error}; {knob.allowed}' if str(error) else knob.allowed
      raise RunSettingsError([problem(knob.variable, value, allowed)]) from None
  return check


def knobs_from_env(environ: Mapping[str, str] = os.environ) -> dict:
  """`create_pipeline` arguments from the KNOBS variables of `environ`; one
  RunSettingsError naming every bad variable."""
  return gather(**{knob.argument: _knob_value(knob, environ) for knob in KNOBS})
