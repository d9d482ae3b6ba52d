"""The gates feed each generator input in the dtype its signature declares: TFX Evaluator hooks.

A tf.Example holds integers as int64 only, so TFMA hands the `label` feature to every model
as int64. A generator that takes `label` as int32 (what LiteRT.js runs, and simpler on
phones) refuses it: a SavedModel signature rejects a mismatched dtype, and the TFLite
interpreter's `set_tensor` too; TFMA casts neither. These hooks cast an integer feature to
the integer dtype of the input it feeds, after checking every value fits (a label is 0..9),
so one gate can compare an int32 candidate with an int64 baseline release:

- `custom_eval_shared_model` (SavedModels): the model's signatures are wrapped to cast, on
  top of the baseline's own-noise hook (baseline_model.py), which it delegates to;
- `custom_extractors` (TFLite models): TFMA's own TFLitePredictExtractor, given through its
  `do_fn` extension point a DoFn whose interpreter casts in `set_tensor`.

Set as every gate's `module_path` (pipeline/pipeline.py). Nothing but integer dtypes of the
same values changes: floats, names and outputs are TFMA's.
"""
from typing import Optional

import numpy as np
import tensorflow as tf
import tensorflow_model_analysis as tfma
from tensorflow_model_analysis.extractors import tflite_predict_extractor

from components.sample_quality import baseline_model, signature_wrapping


def _fits(values: np.ndarray, dtype, what: str) -> None:
  info = np.iinfo(dtype)
  if values.size and (values.min() < info.min or values.max() > info.max):
    raise ValueError(f'{what}: values {values.min()}..{values.max()} do not fit '
                     f'{np.dtype(dtype).name}')


class CastingSignature:
  """A signature whose integer inputs are cast to the integer dtype it declares."""

  def __init__(self, signature):
    self._signature = signature
    self.structured_input_signature = signature.structured_input_signature
    self.structured_outputs = signature.structured_outputs
    self._specs = signature.structured_input_signature[1]

  def _cast(self, name: str, value):
    spec = self._specs.get(name)
    if not isinstance(spec, tf.TensorSpec):
      return value
    tensor = tf.convert_to_tensor(value)
    if tensor.dtype == spec.dtype or not (tensor.dtype.is_integer and spec.dtype.is_integer):
      return value
    _fits(tensor.numpy(), spec.dtype.as_numpy_dtype, f'input {name!r}')
    return tf.cast(tensor, spec.dtype)

  def __call__(self, **inputs):
    return self._signature(**{name: self._cast(name, v) for name, v in inputs.items()})


def custom_eval_shared_model(eval_saved_model_path: str, model_name: str,
                             eval_config: tfma.EvalConfig, **kwargs) -> tfma.types.EvalSharedModel:
  """baseline_model's shared model; a SavedModel's signatures also cast integer inputs."""
  shared = baseline_model.custom_eval_shared_model(
      eval_saved_model_path=eval_saved_model_path, model_name=model_name,
      eval_config=eval_config, **kwargs)
  if shared.model_type == tfma.TF_LITE:
    return shared  # cast by the extractor below
  return signature_wrapping.wrapped_shared_model(shared, CastingSignature)


class CastingInterpreter:
  """A TFLite interpreter whose `set_tensor` casts integer values to the input's dtype."""

  def __init__(self, interpreter):
    self._interpreter = interpreter

  def __getattr__(self, name):
    return getattr(self._interpreter, name)

  def set_tensor(self, index, value):
    dtype = next((d['dtype'] for d in self._interpreter.get_input_details()
                  if d['index'] == index), None)
    value = np.asarray(value)
    if (dtype is not None and value.dtype != dtype and np.issubdtype(value.dtype, np.integer)
        and np.issubdtype(dtype, np.integer)):
      _fits(value, dtype, f'TFLite input {index}')
      value = value.astype(dtype)
    return self._interpreter.set_tensor(index, value)


class CastingTFLitePredictionDoFn(tflite_predict_extractor.TFLitePredictionDoFn):
  """TFMA's TFLite prediction DoFn, its interpreters casting integer inputs."""

  def _make_interpreter(self, **kwargs):
    return CastingInterpreter(super()._make_interpreter(**kwargs))


def custom_extractors(eval_shared_model, eval_config: tfma.EvalConfig,
                      tensor_adapter_config=None) -> Optional[list]:
  """TFMA's default extractors; for TFLite models the predict extractor casts inputs.

  None (TFMA's defaults) for SavedModel evaluations, which cast in their signatures."""
  if not any(spec.model_type == tfma.TF_LITE for spec in eval_config.model_specs):
    return None
  return tfma.default_extractors(
      eval_shared_model=eval_shared_model, eval_config=eval_config,
      tensor_adapter_config=tensor_adapter_config,
      custom_predict_extractor=tflite_predict_extractor.TFLitePredictExtractor(
          eval_config=eval_config, eval_shared_model=eval_shared_model,
          do_fn=CastingTFLitePredictionDoFn))
