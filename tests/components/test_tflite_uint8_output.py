"""The uint8-output pin (components/tflite_export/uint8_output.py) on a converted stand-in:
gray levels q = round(255 x) within half a step of the unpinned model, every subgraph."""
import numpy as np
import pytest
import tensorflow as tf

from ai_edge_litert.interpreter import Interpreter
from components.tflite_export import convert, fixups, generator_inputs, uint8_output
from formats import generator_spec
from tests.components import tflite_standins


@pytest.fixture(scope='module')
def uint8_model(tmp_path_factory):
  saved_model = tflite_standins.export('conditional', str(tmp_path_factory.mktemp('cond')))
  spec = generator_inputs.read_spec(saved_model)
  calibration = generator_inputs.as_feed(*generator_inputs.inputs(spec, 50, 1))
  converter = convert.make_converter(saved_model, 'int8', calibration, False)
  converter.inference_output_type = tf.uint8
  model, _ = fixups.fix_one_hot_quantization(converter.convert())
  fp32 = convert.make_converter(saved_model, 'fp32', calibration, False).convert()
  return {'spec': spec, 'model': bytes(model), 'fp32': bytes(fp32)}


def _run(model, spec):
  runner = Interpreter(model_content=model).get_signature_runner(
      generator_spec.SERVING_SIGNATURE)
  noise, label = generator_inputs.inputs(spec, 20, seed=3)
  images = np.concatenate([
      runner(noise=noise[i:i + 1], label=label[i:i + 1])[generator_spec.IMAGES_OUTPUT]
      for i in range(len(noise))])
  return images, runner.get_output_details()[generator_spec.IMAGES_OUTPUT]['quantization']


def test_pinned_output_is_gray_levels_within_half_a_step(uint8_model):
  pinned, count = uint8_output.pin_output_scale(uint8_model['model'])
  assert count == 1
  before, (scale, zero_point) = _run(uint8_model['model'], uint8_model['spec'])
  assert scale != pytest.approx(1 / 255, rel=1e-6)  # the calibrated scale: what is pinned
  after, pinned_quantization = _run(pinned, uint8_model['spec'])
  assert after.dtype == np.uint8
  assert pinned_quantization == (pytest.approx(1 / 255, rel=1e-6), 0)
  real_before = (before.astype(np.float64) - zero_point) * scale
  assert np.abs(after / 255.0 - real_before).max() <= 0.5 / 255 + 1e-6
  # Drawn directly, the gray levels are the float model's pixels * 255 within int8 error.
  reference, _ = _run(uint8_model['fp32'], uint8_model['spec'])
  assert np.abs(after.astype(np.float64) - 255 * reference).mean() < 255 * 0.02


def test_a_model_without_uint8_output_is_refused_by_name(uint8_model):
  with pytest.raises(ValueError, match='fp32.tflite has no uint8 output to pin'):
    uint8_output.pin_output_scale(uint8_model['fp32'], 'fp32.tflite')
