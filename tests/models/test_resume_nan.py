"""Resume after an interrupted run, and the NaN/Inf guard (clear error, nothing exported)."""
import os

import numpy as np
import pytest
import tensorflow as tf

from models import data, gan_trainer, loop
from models.config import TrainConfig
from models.gan import NONFINITE_KINDS, nonfinite_kinds
from models.presets import PRESETS


def _finite_ds(mnist_small, n_batches, batch_size=8):
  images, labels = mnist_small
  n = n_batches * batch_size
  ds = tf.data.Dataset.from_tensor_slices((images[:n], labels[:n])).batch(batch_size)
  return ds.map(data.to_images_labels)  # finite: exhausting it interrupts training


def test_resume_continues_step_counter_and_weights(mnist_small, tmp_path):
  run_dir = str(tmp_path / 'run')
  config = TrainConfig(preset='cdcgan', batch_size=8, checkpoint_interval=2, sample_interval=0)
  first = loop.train(config, _finite_ds(mnist_small, 4), 4, run_dir)
  saved = [w.numpy() for w in first.generator.weights + first.discriminator.weights]
  # Interrupted: asked for 10 steps, the data runs out after step 5 (no checkpoint at 5).
  with pytest.raises((StopIteration, tf.errors.OutOfRangeError)):
    loop.train(config, _finite_ds(mnist_small, 1), 10, run_dir)
  # A rerun restores step 4: counter, optimizer state (2 G updates per D) and weights.
  restored = loop.train(config, _finite_ds(mnist_small, 0), 4, run_dir)
  assert int(restored.step.numpy()) == 4
  assert (int(restored.d_opt.iterations.numpy()), int(restored.g_opt.iterations.numpy())) == (4, 8)
  for a, b in zip(saved, restored.generator.weights + restored.discriminator.weights):
    np.testing.assert_array_equal(a, b.numpy())
  # Exactly the 6 remaining batches: finishing proves it resumed at 4 instead of starting over.
  final = loop.train(config, _finite_ds(mnist_small, 6), 10, run_dir)
  assert int(final.step.numpy()) == 10 and int(final.d_opt.iterations.numpy()) == 10
  assert tf.train.latest_checkpoint(os.path.join(run_dir, 'checkpoints')).endswith('ckpt-10')


def _two_batch_ds(mnist_small, second_images=None):
  """Step 1 gets real digits; step 2 gets `second_images` (default real) and then repeats."""
  images, labels = mnist_small
  good = data.to_images_labels(images[:8], labels[:8])
  second = good if second_images is None else (second_images, good[1])
  return tf.data.Dataset.from_tensors(good).concatenate(
      tf.data.Dataset.from_tensors(second)).repeat()


def _assert_last_checkpoint_is_finite_step_1(run_dir):
  path = tf.train.latest_checkpoint(os.path.join(run_dir, 'checkpoints'))
  assert path.endswith('ckpt-1'), path
  reader = tf.train.load_checkpoint(path)
  for name, dtype in reader.get_variable_to_dtype_map().items():
    if dtype.is_floating and '_learning_rate' not in name:  # lr_g=inf is the test's poison
      assert np.all(np.isfinite(reader.get_tensor(name))), f'{name} in {path} is not finite'


# Both poisons are checked on every preset. On CPUs whose oneDNN fuses MatMul+ReLU, a NaN
# activation comes out as 0, so the losses of a poisoned step can all be finite: the guard
# must see the gradients and the weights, not only the losses.
@pytest.mark.parametrize('preset', sorted(PRESETS))
def test_nan_batch_poisons_d_and_stops_with_clear_error(preset, mnist_small, tmp_path):
  run_dir = str(tmp_path / 'run')
  config = TrainConfig(preset=preset, batch_size=8, checkpoint_interval=1, sample_interval=0)
  nan_images = tf.fill([8, 28, 28, 1], float('nan'))
  # D reads the real batch, so its gradient is NaN whatever the activations make of it.
  with pytest.raises(loop.NonFiniteLossError,
                     match=rf"Non-finite .*gradient.* at step 2 of preset '{preset}'"):
    loop.train(config, _two_batch_ds(mnist_small, nan_images), 5, run_dir)
  _assert_last_checkpoint_is_finite_step_1(run_dir)


@pytest.mark.parametrize('preset', sorted(PRESETS))
def test_infinite_g_update_stops_on_weights_with_clear_error(preset, mnist_small, tmp_path):
  run_dir = str(tmp_path / 'run')
  # Step 1 trains D only (pre-training); step 2's G update with an infinite learning rate
  # makes G's weights non-finite while that update's loss and gradient were finite.
  config = TrainConfig(preset=preset, batch_size=8, checkpoint_interval=1, sample_interval=0,
                       d_pretrain_steps=1, lr_g=float('inf'))
  with pytest.raises(loop.NonFiniteLossError,
                     match=rf"Non-finite .*weights at step 2 of preset '{preset}'"):
    loop.train(config, _two_batch_ds(mnist_small), 5, run_dir)
  _assert_last_checkpoint_is_finite_step_1(run_dir)


def test_nonfinite_flag_names_each_kind():
  assert nonfinite_kinds(0) == []
  assert nonfinite_kinds(0b101) == ['loss', 'weights']
  assert nonfinite_kinds(0b111) == list(NONFINITE_KINDS)


def test_infinite_learning_rate_via_run_fn_exports_nothing(tfrecord_fn_args):
  fn_args = tfrecord_fn_args({'preset': 'mlp', 'lr_d': float('inf'), 'batch_size': 16,
                              'sample_interval': 0}, train_steps=5)
  with pytest.raises(loop.NonFiniteLossError, match='no model was exported'):
    gan_trainer.run_fn(fn_args)
  assert not os.path.exists(os.path.join(fn_args.serving_model_dir, 'saved_model.pb'))
