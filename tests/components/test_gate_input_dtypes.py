"""The gates' dtype hooks (components/sample_quality/input_dtypes.py): int64 features (all a
tf.Example holds) feed an int32 `label` of a SavedModel signature and of a TFLite model,
values checked; without the hooks both refuse int64."""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_model_analysis as tfma

from components.sample_quality import input_dtypes


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
