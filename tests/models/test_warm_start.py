"""Warm start: a run continues from the weights a previous run saved beside its export."""
import json
import os

import attr
import numpy as np
import pytest
import tensorflow as tf

from models import data, gan_trainer, loop, warm_start
from models.config import TrainConfig
from models.gan import Gan

_CONFIG = TrainConfig(preset='default', batch_size=8, sample_interval=0)


def _ds(mnist_small, n_batches, batch_size=8):
  images, labels = mnist_small
  n = n_batches * batch_size
  ds = tf.data.Dataset.from_tensor_slices((images[:n], labels[:n])).batch(batch_size)
  return ds.map(data.to_images_labels)  # finite: more steps than batches would fail


def _weights(gan):
  nets = [gan.generator, gan.discriminator] + [n for n in [gan.ema_generator] if n]
  return [w.numpy() for net in nets for w in net.weights]


def _assert_same(a, b):
  assert len(a) == len(b)
  for x, y in zip(a, b):
    np.testing.assert_array_equal(x, y)


@pytest.fixture(scope='module')
def first_run(mnist_small, tmp_path_factory):
  """Run 1: 3 steps of `default` (BatchNorm, EMA), saved for warm start like run_fn does."""
  root = tmp_path_factory.mktemp('first')
  gan = loop.train(_CONFIG, _ds(mnist_small, 3), 3, str(root / 'run'))
  warm_start.save(gan, str(root / 'warm_start'))
  return str(root / 'warm_start'), _weights(gan)


def test_warm_start_begins_from_the_saved_weights_and_step(mnist_small, first_run, tmp_path):
  base_dir, final_weights = first_run
  # 0 new steps: what run 2 trains from is exactly run 1's end state.
  gan = loop.train(_CONFIG, _ds(mnist_small, 0), 0, str(tmp_path / 'run'),
                   warm_start_dir=base_dir)
  _assert_same(final_weights, _weights(gan))
  assert int(gan.step.numpy()) == 3
  assert int(gan.d_opt.iterations.numpy()) == 0  # optimizers start fresh


def test_warm_start_trains_the_requested_steps_more_and_a_resume_wins(mnist_small, first_run,
                                                                     tmp_path):
  base_dir, final_weights = first_run
  run_dir = str(tmp_path / 'run')
  # Exactly 2 batches: finishing proves it trained 2 steps on top of the base's 3.
  second = loop.train(_CONFIG, _ds(mnist_small, 2), 2, run_dir, warm_start_dir=base_dir)
  assert int(second.step.numpy()) == 5
  trained = _weights(second)
  assert any(not np.array_equal(a, b) for a, b in zip(final_weights, trained))
  # A rerun in the same run dir resumes its own checkpoint, not the base model.
  rerun = loop.train(_CONFIG, _ds(mnist_small, 0), 2, run_dir, warm_start_dir=base_dir)
  assert int(rerun.step.numpy()) == 5
  _assert_same(trained, _weights(rerun))


def test_base_without_ema_seeds_the_ema_with_its_generator(mnist_small, tmp_path):
  no_ema = TrainConfig(preset='default', batch_size=8, sample_interval=0, ema_decay=0)
  base = loop.train(no_ema, _ds(mnist_small, 1), 1, str(tmp_path / 'base_run'))
  warm_start.save(base, str(tmp_path / 'warm_start'))
  gan = loop.train(_CONFIG, _ds(mnist_small, 0), 0, str(tmp_path / 'run'),
                   warm_start_dir=str(tmp_path / 'warm_start'))
  _assert_same(_weights(base), [w.numpy() for w in gan.generator.weights +
                                gan.discriminator.weights])
  _assert_same([w.numpy() for w in base.generator.weights],
               [w.numpy() for w in gan.ema_generator.weights])


def test_unusable_base_is_skipped(first_run, tmp_path):
  base_dir, _ = first_run
  mlp = Gan(TrainConfig(preset='mlp').effective_preset(), TrainConfig(preset='mlp'),
            tf.distribute.get_strategy())
  assert warm_start.usable_base(base_dir, mlp) is None  # another preset
  assert warm_start.usable_base(str(tmp_path), mlp) is None  # no warm-start checkpoint
  gan = loop.train(TrainConfig(preset='mlp', batch_size=8, sample_interval=0),
                   tf.data.Dataset.range(0), 0, str(tmp_path / 'run'), warm_start_dir=base_dir)
  assert int(gan.step.numpy()) == 0  # trained from scratch


def test_run_fn_continues_from_the_base_models_weights(tfrecord_fn_args, tmp_path):
  config = {'preset': 'mlp', 'batch_size': 16, 'sample_interval': 0}
  first = tfrecord_fn_args(config, train_steps=3)
  gan_trainer.run_fn(first)  # a first run: no base model
  # Run 2 from run 1's model, with learning rates 0 so training cannot move the weights.
  second = attr.evolve(
      tfrecord_fn_args(dict(config, lr_g=0.0, lr_d=0.0), train_steps=3),
      serving_model_dir=str(tmp_path / 'second' / 'Format-Serving'),
      model_run_dir=str(tmp_path / 'second' / 'model_run'),
      base_model=first.serving_model_dir)
  gan_trainer.run_fn(second)
  prefixes = [os.path.join(gan_trainer.warm_start_dir(args.serving_model_dir), warm_start.CHECKPOINT)
              for args in (first, second)]
  saved = [tf.train.load_checkpoint(prefix) for prefix in prefixes]
  weights = [name for name, _ in tf.train.list_variables(prefixes[0])
             if name.startswith(('generator/', 'discriminator/'))]
  assert weights
  for name in weights:
    np.testing.assert_array_equal(saved[0].get_tensor(name), saved[1].get_tensor(name))
  steps = [json.load(open(os.path.join(gan_trainer.warm_start_dir(args.serving_model_dir),
                                       warm_start.INFO)))['step'] for args in (first, second)]
  assert steps == [3, 6]  # run 2 trained its 3 steps on top of run 1's
  # And the exported generators draw the same images.
  labels = tf.constant([0, 1, 2], tf.int64)
  generators = [tf.saved_model.load(args.serving_model_dir) for args in (first, second)]
  images = [g.generate(tf.constant(7, tf.int64), labels)['images'].numpy() for g in generators]
  np.testing.assert_array_equal(images[0], images[1])
