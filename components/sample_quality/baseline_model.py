"""The baseline generator reads its own noise: a TFX Evaluator `custom_eval_shared_model` hook.

TFMA feeds a SavedModel's signature the features whose names are its input names, the same
features for every model of one evaluation (TFMA 0.47's ModelSpec has no input mapping).
Candidate and baseline both take `noise`, but after a change of preset their noise differs
in size and distribution (generator_spec.json). GeneratorEvalExamples therefore writes the
baseline's own seeded noise as a second feature, `baseline_noise`, and this hook hands TFMA
the baseline SavedModel with its `noise` input read from that feature instead. Nothing else
changes: same SavedModel, same signature, same outputs, the Evaluator's `baseline_model`
input is still the baseline release's Model.

input_dtypes.py (every gate's `module_path`, pipeline/pipeline.py) delegates to this hook;
the TFX Evaluator calls `custom_eval_shared_model` once per model of the EvalConfig.
"""
import tensorflow_model_analysis as tfma

from components.sample_quality import signature_wrapping
from formats.examples import BASELINE_NOISE_FEATURE, NOISE_FEATURE


class FeatureRenamedSignature:
  """A signature whose input `name` is fed from the feature `feature`.

  TFMA reads `structured_input_signature[1]` (input name -> TensorSpec) to choose the
  features, then calls the signature with them as keyword arguments.
  """

  def __init__(self, signature, name: str, feature: str):
    self._signature, self._name, self._feature = signature, name, feature
    args, specs = signature.structured_input_signature
    self.structured_input_signature = (
        args, {feature if key == name else key: spec for key, spec in specs.items()})
    self.structured_outputs = signature.structured_outputs

  def __call__(self, **inputs):
    if self._feature in inputs:
      inputs[self._name] = inputs.pop(self._feature)
    return self._signature(**inputs)


def own_noise(signature):
  """The signature with `noise` fed from `baseline_noise` (as is if it takes no noise)."""
  if NOISE_FEATURE in signature.structured_input_signature[1]:
    return FeatureRenamedSignature(signature, NOISE_FEATURE, BASELINE_NOISE_FEATURE)
  return signature


def custom_eval_shared_model(eval_saved_model_path: str, model_name: str,
                             eval_config: tfma.EvalConfig, **kwargs) -> tfma.types.EvalSharedModel:
  """TFMA's default shared model; the baseline SavedModel reads `baseline_noise`."""
  shared = tfma.default_eval_shared_model(eval_saved_model_path=eval_saved_model_path,
                                          model_name=model_name, eval_config=eval_config,
                                          **kwargs)
  spec = next((s for s in eval_config.model_specs if s.name == model_name), None)
  if spec is None or not spec.is_baseline or spec.model_type == tfma.TF_LITE:
    return shared
  return signature_wrapping.wrapped_shared_model(shared, own_noise)
