"""A GAN-Trainer stand-in for drift tests: real digits, a little more degraded every run.

Its generator draws real MNIST training digits of the requested label, picked by the noise,
blended with a fixed noise pattern by a factor that grows by STEP with every run: the
factor is read from the warm-start base (`degradation.json` beside the base model's
export), so run after run it is one step worse than the model it continues from, and a
refused run's successor (same base) is just as bad as the refused one. No GAN training.

It exports through the real models/export.py in the `default` preset's format (conditional,
64-d normal noise, tanh pixel range), so every stage after the Trainer treats it like a
trained generator, TFLite conversion and parity included. The pick is a softmax over the
first DIGITS noise values rather than an argmax, so int8 quantization of the noise blends
neighbouring digits a little instead of swapping them (which would fail TFLite parity).
"""
import json
import os

import keras
import numpy as np
import tensorflow as tf

from models import examples_input
from models import export
from models.presets import get_preset

DEGRADATION_FILE = 'degradation.json'
DIGITS = 64  # real digits per label to pick from (the noise has 64 values)
STEP = 0.035  # blend factor added per run: FID about +10%, +18%, +28% per step at N = 1,000
SHARPNESS = 20.0  # softmax temperature of the pick: mostly one digit per sample


class DegradedDigits(keras.Model):
  """noise, label -> (1 - blend) x (a real digit of that label) + blend x fixed pattern."""

  def __init__(self, digits: np.ndarray, blend: float):
    super().__init__()
    self._digits = digits.astype(np.float32).reshape(10, DIGITS, 784)
    self._blend = float(blend)
    self._pattern = np.random.default_rng(0).random(784).astype(np.float32)

  def build(self, *unused_shapes):
    # Non-trainable weights, so the SavedModel stores them as variables.
    self.digits = self.add_weight(shape=self._digits.shape, trainable=False, name='digits',
                                  initializer=keras.initializers.Constant(self._digits))
    self.pattern = self.add_weight(shape=(784,), trainable=False, name='pattern',
                                   initializer=keras.initializers.Constant(self._pattern))
    self.blend = self.add_weight(shape=(), trainable=False, name='blend',
                                 initializer=keras.initializers.Constant(self._blend))

  def call(self, noise, labels=None, training=False):
    if not self.built:
      self.build()
    weights = tf.nn.softmax(SHARPNESS * noise[:, :DIGITS], axis=-1)  # [B, DIGITS]
    candidates = tf.gather(self.digits, tf.cast(labels, tf.int32))  # [B, DIGITS, 784]
    picked = tf.einsum('bk,bkp->bp', weights, candidates)
    images = (1.0 - self.blend) * picked + self.blend * self.pattern
    return tf.reshape(images * 2.0 - 1.0, [-1, 28, 28, 1])  # the preset's tanh range


def _real_digits(fn_args) -> np.ndarray:
  """The first DIGITS training digits of each label, [10 * DIGITS, 784] in [0, 1]."""
  chosen = {label: [] for label in range(10)}
  batches = examples_input.examples_dataset(fn_args, fn_args.train_files, batch_size=256,
                                            shuffle_buffer=1, seed=0, repeat=False)
  for images, labels in batches:
    for image, label in zip(images.numpy(), labels.numpy()):
      if len(chosen[int(label)]) < DIGITS:
        chosen[int(label)].append(image.reshape(784))
    if all(len(v) == DIGITS for v in chosen.values()):
      return np.stack([d for label in range(10) for d in chosen[label]])
  raise ValueError(f'fewer than {DIGITS} training digits of some label in {fn_args.train_files}')


def level_of(model_dir: str) -> int:
  with open(os.path.join(model_dir, DEGRADATION_FILE)) as f:
    return json.load(f)['level']


def run_fn(fn_args):
  base = getattr(fn_args, 'base_model', None)
  level = level_of(base) + 1 if base else 0
  preset = get_preset('default')
  generator = DegradedDigits(_real_digits(fn_args), STEP * level)
  generator(tf.zeros([1, preset.noise_dim]), tf.zeros([1], tf.int32))
  export.export_generator(generator, preset, fn_args.serving_model_dir)
  with open(os.path.join(fn_args.serving_model_dir, DEGRADATION_FILE), 'w') as f:
    json.dump({'level': level, 'blend': STEP * level}, f)
