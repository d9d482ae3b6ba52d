"""A short real training run that a broken trainer fails.

Assertion: conditional samples must be recognisable as the *requested* digit. The judge is a
nearest-class-mean template matcher fitted on real MNIST (~80% accurate on real digits, no
training, deterministic). An untrained generator scores at chance (~10%); so does a trainer
that ignores labels, never updates G, swaps losses or mis-scales data. Seeds are fixed (data
order, noise, Keras init), and the threshold leaves a wide margin on both sides of the
measured values (see the numbers in the comment below).
"""
import keras
import numpy as np
import tensorflow as tf

from models import data, loop
from models.config import TrainConfig
from models.observe import to_unit

STEPS = 1200


def _centroids(images, labels):
  x = images.reshape(len(images), -1).astype(np.float32) / 255.0
  return np.stack([x[labels == c].mean(0) for c in range(10)])


def _template_accuracy(centroids, images, labels):
  x = images.reshape(len(images), -1)
  d = ((x[:, None, :] - centroids[None]) ** 2).sum(-1)
  return float((d.argmin(1) == labels).mean())


def _sample_accuracy(gan, preset, centroids):
  labels = np.arange(500) % 10
  z = tf.random.stateless_normal([500, preset.noise_dim], [7, 7])
  images = to_unit(gan.export_generator(z, tf.constant(labels, tf.int32), training=False),
                   preset).numpy()
  return _template_accuracy(centroids, images, labels)


def test_default_preset_learns_requested_digits(mnist_small, tmp_path):
  keras.utils.set_random_seed(0)  # Keras initializers
  images, labels = mnist_small
  centroids = _centroids(images, labels)
  real_acc = _template_accuracy(centroids, images[:1000].astype(np.float32) / 255.0,
                                labels[:1000])
  assert real_acc > 0.7  # the judge itself works
  config = TrainConfig(preset='default', seed=0, log_interval=100, sample_interval=STEPS,
                       checkpoint_interval=0)
  preset = config.effective_preset()
  ds = data.numpy_dataset(images, labels, preset.batch_size, seed=0)
  untrained = loop.train(config, ds, 0, str(tmp_path / 'untrained'))
  before = _sample_accuracy(untrained, preset, centroids)
  gan = loop.train(config, ds, STEPS, str(tmp_path / 'run'))
  after = _sample_accuracy(gan, preset, centroids)
  print('template accuracy before/after', before, after)
  # Measured (seed 0, this machine): untrained 0.10, after 1200 steps 0.99. A trainer that
  # ignores labels stays near 0.1-0.3 (seen at 300 steps: 0.26, digits not yet class-true).
  # 0.5 is far from both.
  assert before < 0.25, before
  assert after > 0.5, (before, after)
  assert (tmp_path / 'run' / 'samples' / f'step_{STEPS:07d}.png').exists()
