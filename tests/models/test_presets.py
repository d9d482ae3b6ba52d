"""Every preset: the (noise, labels) / (images, labels) call contract, shapes, value ranges,
and one training step that moves every variable of G and D (the one exception: an output
bias the hinge loss cancels inside its margin)."""
import numpy as np
import pytest
import tensorflow as tf

from models import losses, noise
from models.config import TrainConfig
from models.gan import Gan
from models.presets import PRESETS
from tests.models.conftest import batch

NAMES = sorted(PRESETS)


def make_gan(name, **overrides):
  config = TrainConfig(preset=name, **overrides)
  return Gan(config.effective_preset(), config, tf.distribute.get_strategy())


@pytest.mark.parametrize('name', NAMES)
def test_shapes_and_ranges(name, mnist_small):
  preset = PRESETS[name]
  gan = make_gan(name)
  labels = tf.range(6, dtype=tf.int32)
  z = noise.sample_noise(preset.noise, [6, preset.noise_dim], tf.constant([1, 2], tf.int64))
  for training in (False, True):
    images = gan.generator(z, labels, training=training).numpy()
    assert images.shape == (6, 28, 28, 1) and images.dtype == np.float32
    low = -1.0 if preset.pixel_range == 'symmetric' else 0.0
    assert images.min() >= low and images.max() <= 1.0
    assert images.std() > 0  # not a constant image
  x, y = batch(mnist_small, 6)
  logits = gan.discriminator(x, y, training=False).numpy()
  assert logits.shape == (6, 2 if preset.loss == 'softmax2' else 1)
  assert np.isfinite(logits).all()
  assert preset.loss in losses.LOSSES


@pytest.mark.parametrize('name', NAMES)
def test_noise_distribution(name):
  preset = PRESETS[name]
  z = noise.sample_noise(preset.noise, [4000], tf.constant([0, 1], tf.int64)).numpy()
  if preset.noise == 'uniform':
    assert z.min() >= -1 and z.max() <= 1 and abs(z.std() - 1 / np.sqrt(3)) < 0.03
  else:
    assert z.min() < -2.5 and z.max() > 2.5 and abs(z.std() - 1) < 0.05


def _d_logits(gan, x, y):
  """D's logits (training mode, as in the step) on a real batch and on G's fakes for it."""
  z = noise.sample_noise(gan.preset.noise, [len(y), gan.preset.noise_dim],
                         tf.constant([5, 6], tf.int64))
  real = x * 2.0 - 1.0 if gan.preset.pixel_range == 'symmetric' else x
  fake = gan.generator(z, y, training=True)
  return tf.concat([gan.discriminator(real, y, training=True),
                    gan.discriminator(fake, y, training=True)], axis=0)


def _uniform_shift(gan, var, x, y):
  """True when `var` moves every logit by one and the same nonzero amount (an output bias):
  d logit / d var is equal, and not zero, for every real and generated example."""
  with tf.GradientTape(persistent=True) as tape:
    logits = tf.reshape(_d_logits(gan, x, y), [-1])
    rows = [logits[i] for i in range(int(logits.shape[0]))]
  grads = [tape.gradient(row, var) for row in rows]  # None: var does not reach the logits
  jacobian = np.stack([np.zeros(var.shape) if g is None else g.numpy() for g in grads])
  jacobian = jacobian.reshape(len(rows), -1)
  return bool(np.abs(jacobian).max() > 0 and (jacobian == jacobian[:1]).all())


@pytest.mark.parametrize('name', NAMES)
def test_one_step_changes_both_networks(name, mnist_small):
  gan = make_gan(name, batch_size=8, d_pretrain_steps=0)
  x, y = batch(mnist_small, 8)
  # Under the hinge loss, while every logit is inside the margin (|l| < 1, as at init) D's
  # loss is 2 - mean(real logits) + mean(fake logits): a variable that shifts every logit
  # alike (D's output bias) gets -1 + 1 = 0 and stays put. It is not dead (it moves once
  # logits leave the margin, the third step of `default` at batch 64), so it alone may
  # stand still here, and only under the hinge loss with every logit inside the margin.
  # With one Adam per D term (`d_optimizer_per_term`), each Adam's first step is lr times
  # the gradient's sign: the real term's +lr and the fake term's -lr on such a variable
  # cancel exactly, so it too may stand still after one step.
  in_margin = gan.preset.d_optimizer_per_term or (
      gan.preset.loss == 'hinge' and bool((np.abs(_d_logits(gan, x, y).numpy()) < 1).all()))
  g0 = [w.numpy().copy() for w in gan.generator.trainable_variables]
  d0 = [w.numpy().copy() for w in gan.discriminator.trainable_variables]
  metrics = gan.train_step(x, y)
  assert all(np.isfinite(v.numpy()) for v in metrics.values())
  for before, var in zip(g0, gan.generator.trainable_variables):
    assert not np.array_equal(before, var.numpy()), f'G variable {var.path} did not change'
  still = [var for before, var in zip(d0, gan.discriminator.trainable_variables)
           if np.array_equal(before, var.numpy())]
  for var in still:
    cancelled = in_margin and _uniform_shift(gan, var, x, y)
    assert cancelled, f'D variable {var.path} did not change'
  assert int(gan.step.numpy()) == 1
