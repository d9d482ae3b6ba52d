"""The gates' dtype hooks (components/sample_quality/input_dtypes.py): int64 features (all a
tf.Example holds) feed an int32 `label` of a SavedModel signature and of a TFLite model,
values checked; without the hooks both refuse int64."""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_model_analysis as tfma

from components.sample_quality import baseline_model, input_dtypes
from formats.examples import BASELINE_NOISE_FEATURE, LABEL_FEATURE, NOISE_FEATURE
from pipeline import configs, eval_configs
from tests.components import tflite_standins


class _Doubler(tf.Module):
  """label int32 [N] -> label * 2 (float), the smallest model with an int32 input."""

  @tf.function(input_signature=[tf.TensorSpec([None], tf.int32, name='label')])
  def serve(self, label):
    return {'out': tf.cast(label, tf.float32) * 2.0}


@pytest.fixture(scope='module')
def saved_model(tmp_path_factory):
  module = _Doubler()
  path = str(tmp_path_factory.mktemp('doubler'))
  tf.saved_model.save(module, path, signatures={'serving_default': module.serve})
  return path


def test_savedmodel_signature_casts_int64_labels(saved_model):
  signature = tf.saved_model.load(saved_model).signatures['serving_default']
  labels = tf.constant([0, 3, 9], tf.int64)
  with pytest.raises((TypeError, ValueError, tf.errors.InvalidArgumentError)):
    signature(label=labels)  # what TFMA would do without the hook
  out = input_dtypes.CastingSignature(signature)(label=labels)['out']
  np.testing.assert_array_equal(out.numpy(), [0.0, 6.0, 18.0])


def test_savedmodel_cast_refuses_values_that_do_not_fit(saved_model):
  signature = tf.saved_model.load(saved_model).signatures['serving_default']
  with pytest.raises(ValueError, match=r"input 'label': values 0\.\.4294967296 do not fit int32"):
    input_dtypes.CastingSignature(signature)(label=tf.constant([0, 2**32], tf.int64))


def test_tflite_interpreter_casts_int64_labels(saved_model):
  model = tf.lite.TFLiteConverter.from_saved_model(saved_model).convert()
  interpreter = tf.lite.Interpreter(model_content=model)
  interpreter.allocate_tensors()
  index = interpreter.get_input_details()[0]['index']
  labels = np.array([7], np.int64)
  with pytest.raises(ValueError, match='INT64'):
    interpreter.set_tensor(index, labels)  # what TFMA's extractor does without the hook
  casting = input_dtypes.CastingInterpreter(interpreter)
  casting.set_tensor(index, labels)
  casting.invoke()
  assert casting.get_tensor(interpreter.get_output_details()[0]['index']).tolist() == [14.0]


def test_custom_extractors_only_for_tflite_evaluations():
  saved = tfma.EvalConfig(model_specs=[tfma.ModelSpec(signature_name='serving_default')])
  assert input_dtypes.custom_extractors(None, saved) is None


def _gate_models(hooks, candidate_dir, baseline_dir):
  """The SavedModel gate's two models as TFMA gets them from the Evaluator's `hooks` module."""
  config = tfma.utils.update_eval_config_with_defaults(
      eval_configs.saved_model_gate(configs.GATE, conditional=True), has_baseline=True)
  return {name: hooks.custom_eval_shared_model(
              eval_saved_model_path=path, model_name=name, eval_config=config,
              add_metrics_callbacks=None).model_loader.construct_fn()
          for name, path in (('candidate', candidate_dir), ('baseline', baseline_dir))}


def test_the_gate_feeds_an_int32_candidate_and_an_int64_legacy_baseline(tmp_path):
  """What every gate's module_path gives TFMA: the examples' int64 `label` reaches an int32
  candidate (today's export) and an int64 baseline (a release from before) alike, each
  drawing what its own signature draws; baseline_model alone (the hook before) cannot."""
  candidate = tflite_standins.export('conditional', str(tmp_path / 'candidate'))
  baseline = tflite_standins.export('conditional', str(tmp_path / 'baseline'), seed=1,
                                    legacy=True)
  noise = np.random.default_rng(0).normal(size=(5, 64)).astype(np.float32)
  features = {NOISE_FEATURE: noise, BASELINE_NOISE_FEATURE: noise,
              LABEL_FEATURE: np.arange(5, dtype=np.int64)}  # as a tf.Example holds it
  models = _gate_models(input_dtypes, candidate, baseline)
  for name, path in (('candidate', candidate), ('baseline', baseline)):
    model = models[name]
    inputs = tfma.utils.model_util.get_inputs(
        features, tfma.utils.model_util.get_input_specs(model, 'serving_default'))
    images = model.signatures['serving_default'](**inputs)['images']
    own = tf.saved_model.load(path).signatures['serving_default']
    label_dtype = own.structured_input_signature[1][LABEL_FEATURE].dtype
    assert label_dtype == (tf.int64 if name == 'baseline' else tf.int32)
    expected = own(noise=tf.constant(noise), label=tf.constant(np.arange(5), label_dtype))
    np.testing.assert_allclose(images.numpy(), expected['images'].numpy(), atol=1e-6)
  without = _gate_models(baseline_model, candidate, baseline)['candidate']
  inputs = tfma.utils.model_util.get_inputs(
      features, tfma.utils.model_util.get_input_specs(without, 'serving_default'))
  with pytest.raises((TypeError, ValueError, tf.errors.InvalidArgumentError)):
    without.signatures['serving_default'](**inputs)
