"""The SavedModel gate's hook: the baseline generator reads `baseline_noise`, nothing else."""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_model_analysis as tfma

from components.sample_quality import baseline_model
from formats.examples import BASELINE_NOISE_FEATURE, NOISE_FEATURE
from pipeline import configs
from pipeline import eval_configs
from tests.components import tflite_standins


@pytest.fixture(scope='module')
def conditional_dir(tmp_path_factory):
  return tflite_standins.export('conditional', str(tmp_path_factory.mktemp('cond')))


def _eval_config():
  return tfma.utils.update_eval_config_with_defaults(
      eval_configs.saved_model_gate(configs.GATE, conditional=True), has_baseline=True)


def _models(path):
  config = _eval_config()
  return {name: baseline_model.custom_eval_shared_model(
              eval_saved_model_path=path, model_name=name, eval_config=config,
              add_metrics_callbacks=None).model_loader.construct_fn()
          for name in ('candidate', 'baseline')}


def test_only_the_baseline_reads_baseline_noise(conditional_dir):
  models = _models(conditional_dir)
  specs = {name: tfma.utils.model_util.get_input_specs(model, 'serving_default')
           for name, model in models.items()}
  assert sorted(specs['candidate']) == ['label', NOISE_FEATURE]
  assert sorted(specs['baseline']) == [BASELINE_NOISE_FEATURE, 'label']
  assert specs['baseline'][BASELINE_NOISE_FEATURE].shape.as_list() == [None, 64]


def test_the_baseline_draws_what_its_own_signature_draws_from_that_noise(conditional_dir):
  models = _models(conditional_dir)
  noise = np.random.default_rng(0).normal(size=(5, 64)).astype(np.float32)
  label = np.arange(5, dtype=np.int32)
  # How TFMA calls a signature: inputs by the names its input spec gives.
  inputs = tfma.utils.model_util.get_inputs(
      {BASELINE_NOISE_FEATURE: noise, NOISE_FEATURE: np.zeros((5, 100), np.float32),
       'label': label},
      tfma.utils.model_util.get_input_specs(models['baseline'], 'serving_default'))
  images = models['baseline'].signatures['serving_default'](**inputs)['images']
  expected = tf.saved_model.load(conditional_dir).signatures['serving_default'](
      noise=tf.constant(noise), label=tf.constant(label))['images']
  np.testing.assert_allclose(images.numpy(), expected.numpy(), atol=1e-6)


@pytest.mark.parametrize('config, name, wrapped', [
    (eval_configs.saved_model_gate, 'baseline', True),
    (eval_configs.saved_model_gate, 'candidate', False),
    (eval_configs.int8_gate, 'baseline', False),
])
def test_only_a_baseline_savedmodel_is_wrapped(config, name, wrapped):
  eval_config = tfma.utils.update_eval_config_with_defaults(
      config(configs.GATE, conditional=True), has_baseline=True)
  shared = baseline_model.custom_eval_shared_model(
      eval_saved_model_path='/nonexistent', model_name=name, eval_config=eval_config,
      add_metrics_callbacks=None)
  # Loading is lazy (construct_fn), so no model is needed to see which loader it got.
  assert (getattr(shared.model_loader.construct_fn, 'wrap', None)
          is baseline_model.own_noise) == wrapped
