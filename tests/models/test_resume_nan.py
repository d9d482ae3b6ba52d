"""Resume after an interrupted run, and the NaN/Inf guard (clear error, nothing exported)."""
import os

import numpy as np
import pytest
import tensorflow as tf

from models import data, loop, trainer
from models.config import TrainConfig


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


def test_poisoned_batch_stops_with_clear_error(mnist_small, tmp_path):
  images, labels = mnist_small
  good = data.to_images_labels(images[:8], labels[:8])
  bad = (tf.fill([8, 28, 28, 1], float('nan')), good[1])
  ds = tf.data.Dataset.from_tensors(good).concatenate(tf.data.Dataset.from_tensors(bad))
  config = TrainConfig(preset='mlp', batch_size=8, checkpoint_interval=1, sample_interval=0)
  with pytest.raises(loop.NonFiniteLossError, match=r'Non-finite loss at step 2'):
    loop.train(config, ds.repeat(), 5, str(tmp_path / 'run'))
  # The last checkpoint is the finite step 1, never the poisoned state.
  assert tf.train.latest_checkpoint(str(tmp_path / 'run' / 'checkpoints')).endswith('ckpt-1')


def test_infinite_learning_rate_via_run_fn_exports_nothing(tfrecord_fn_args):
  fn_args = tfrecord_fn_args({'preset': 'mlp', 'lr_d': float('inf'), 'batch_size': 16,
                              'sample_interval': 0}, train_steps=5)
  with pytest.raises(loop.NonFiniteLossError, match='no model was exported'):
    trainer.run_fn(fn_args)
  assert not os.path.exists(os.path.join(fn_args.serving_model_dir, 'saved_model.pb'))
