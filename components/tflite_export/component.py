"""TFLiteExport: the generator SavedModel -> one TFLite Model artifact per variant, with
measured parity and TFLite Model Metadata.

One standard `Model` artifact per variant (`formats/variants.py`), each holding
`<uri>/Format-Serving/tflite` (the name TFMA loads for model_type='tf_lite') and
`card.json`, so the gate can evaluate every variant as its own model.
"""
from typing import Optional

from tfx import types
from tfx.dsl.components.base import base_component
from tfx.dsl.components.base import executor_spec
from tfx.types import component_spec
from tfx.types import standard_artifacts

from components.tflite_export import executor
from components.tflite_export.defaults import (DEFAULT_CALIBRATION_SAMPLES,
                                               DEFAULT_LATENCY_RUNS, DEFAULT_PARITY_SAMPLES)
from formats import variants

# Minimum PSNR (dB, images in [0, 1]) of each variant vs the SavedModel on
# DEFAULT_PARITY_SAMPLES seeded inputs. Chosen from measurements (docs/export.md): well below what
# each variant reaches on the presets, well above what a broken conversion gives.
DEFAULT_MIN_PSNR_DB = {variants.FP32: 60.0, variants.FP16: 30.0, variants.DYNAMIC_INT8: 25.0,
                       variants.INT8: 20.0, variants.UINT8_OUT: 20.0}


def _param(type_, optional=True):
  return component_spec.ExecutionParameter(type=type_, optional=optional)


class TFLiteExportSpec(component_spec.ComponentSpec):
  """Input: the trained generator. Outputs: one Model artifact per TFLite variant."""
  PARAMETERS = {
      executor.INT8_IO_KEY: _param(bool),
      executor.PARITY_SAMPLES_KEY: _param(int),
      executor.CALIBRATION_SAMPLES_KEY: _param(int),
      executor.SEED_KEY: _param(int),
      executor.LATENCY_RUNS_KEY: _param(int),
      executor.METADATA_AUTHOR_KEY: _param(str),
      executor.METADATA_LICENSE_KEY: _param(str),
      **{executor.min_psnr_key(v): _param(float) for v in variants.TFLITE_VARIANTS},
  }
  INPUTS = {executor.MODEL_KEY: component_spec.ChannelParameter(type=standard_artifacts.Model)}
  OUTPUTS = {v: component_spec.ChannelParameter(type=standard_artifacts.Model)
             for v in variants.TFLITE_VARIANTS}


class TFLiteExport(base_component.BaseComponent):
  """Exports the generator as fp32, fp16, dynamic-range int8 and full-int8 TFLite models.

  Fails (publishing nothing) when a variant cannot be converted or quantized as named, or
  when its PSNR against the SavedModel is below its threshold.

  Args:
    model: channel of the Trainer's Model (generator SavedModel + generator_spec.json).
    int8_io: give the `int8` variant int8 `noise` input and `images` output (scale and zero
      point in its card) instead of float32 I/O. Default False: float I/O, what apps should
      use unless an accelerator needs an all-integer graph.
    min_psnr_db: variant -> minimum PSNR in dB; missing variants use DEFAULT_MIN_PSNR_DB.
    parity_samples: seeded inputs compared against the SavedModel (DEFAULT_PARITY_SAMPLES).
    calibration_samples: seeded inputs (every label in turn) calibrating `int8`.
    seed: seed of the parity inputs (calibration uses a different, derived one).
    latency_runs: timed batch-1 invocations per variant, median reported
      (DEFAULT_LATENCY_RUNS).
    metadata_author, metadata_license: the `author` and `license` fields of every variant's
      TFLite metadata, as whoever ships the model states them (a release's version stamp
      keeps them). None: metadata.DEFAULT_AUTHOR and DEFAULT_LICENSE (no license claimed).
  """

  SPEC_CLASS = TFLiteExportSpec
  EXECUTOR_SPEC = executor_spec.ExecutorClassSpec(executor.Executor)

  def __init__(self, model: types.BaseChannel, int8_io: bool = False,
               min_psnr_db: Optional[dict] = None,
               parity_samples: int = DEFAULT_PARITY_SAMPLES,
               calibration_samples: int = DEFAULT_CALIBRATION_SAMPLES, seed: int = 0,
               latency_runs: int = DEFAULT_LATENCY_RUNS,
               metadata_author: Optional[str] = None,
               metadata_license: Optional[str] = None):
    unknown = set(min_psnr_db or {}) - set(variants.TFLITE_VARIANTS)
    if unknown:
      raise ValueError(f'min_psnr_db has unknown variants {sorted(unknown)}; '
                       f'known: {variants.TFLITE_VARIANTS}')
    if parity_samples < 1 or calibration_samples < 1 or latency_runs < 1:
      raise ValueError('parity_samples, calibration_samples and latency_runs must be >= 1')
    thresholds = dict(DEFAULT_MIN_PSNR_DB, **(min_psnr_db or {}))
    # Only the fields given become exec properties, so an export that leaves them unset has
    # the cache key of one built without them: its cached exports stay valid.
    stated = {}
    for key, value in ((executor.METADATA_AUTHOR_KEY, metadata_author),
                       (executor.METADATA_LICENSE_KEY, metadata_license)):
      if value is None:
        continue
      if not isinstance(value, str) or not value.strip():
        raise ValueError(f'{key}={value!r}: a non-blank string, or None for the default')
      stated[key] = value
    spec = TFLiteExportSpec(
        model=model, int8_io=int8_io, parity_samples=parity_samples,
        calibration_samples=calibration_samples, seed=seed, latency_runs=latency_runs,
        **stated,
        **{executor.min_psnr_key(v): float(t) for v, t in thresholds.items()},
        **{v: types.Channel(type=standard_artifacts.Model) for v in variants.TFLITE_VARIANTS})
    super().__init__(spec=spec)
