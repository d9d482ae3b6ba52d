"""The classic TensorFlow GAN tutorial's own training, to compare with our `dcgan_tutorial`.

  .venv/bin/python bench/dcgan_tutorial_original.py --classifier DIR [--steps 3000] \
      [--every 500] [--one_d_adam] [--mnist_dir DIR] [--out /tmp/quality_curves]

The tutorial ("GANs for beginners", TF 1.x) on our preset's G and D modules
(models/presets/dcgan_tutorial.py, the same layers), written out apart from our loop:

  - D has two Adam(3e-4) optimizers, one minimising the real term and one the fake term,
    both run in one `sess.run` (gradients from the same weights, two separately normalised
    updates), as our preset (`d_optimizer_per_term`); `--one_d_adam` puts one Adam on their
    sum instead, as our preset had before

and, where our preset still differs:

  - G's BatchNorm always runs in training mode (tf.contrib batch_norm, is_training left at
    True), also when sampling; its beta is never trained: the tutorial collects G's variables
    by the substring 'g_' in their names and the BatchNorm scopes are 'bn1'..'bn3'
  - G's biases start from truncated N(0, 0.02) (`g_b*`), D's at 0 (`d_b*`)
  - D alone for the first 300 steps, then per step: D on a real batch and G(z), then G on a
    newly drawn z; batch 50, G's Adam 1e-4, data in [0, 1]

Every `--every` steps (pre-training included) it scores G like bench/quality_curve.py
(gate metrics plus precision/recall, pipeline classifier, N images), sampling in training
mode as the original did. One JSON line per evaluation on stdout and in
<out>/<label>.jsonl, the final grid in <out>/<label>.png.
"""
import argparse
import json
import os
import sys
import time

import keras
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
import tensorflow as tf

from bench import preset_quality, quality_curve
from formats import mnist_idx
from models import data, losses, observe
from models.presets import dcgan_tutorial

PRETRAIN_STEPS, BATCH, NOISE_DIM = 300, 50, 100


class TutorialTraining:
  """G, D and the optimizers of the original, with its update order."""

  def __init__(self, one_d_adam, seed=0):
    keras.utils.set_random_seed(seed)
    self.generator, self.discriminator = dcgan_tutorial.Generator(), dcgan_tutorial.Discriminator()
    self.generator(tf.zeros([2, NOISE_DIM]), training=True)
    self.discriminator(tf.zeros([2, 28, 28, 1]), training=True)
    init = keras.initializers.TruncatedNormal(stddev=0.02, seed=seed)
    for v in self.generator.trainable_variables:
      if v.path.endswith('bias'):
        v.assign(init(v.shape))
    # Only what the tutorial's 'g_' filter finds: kernels and biases, no BatchNorm beta.
    self.g_vars = [v for v in self.generator.trainable_variables
                   if not v.path.endswith('beta')]
    self.d_vars = self.discriminator.trainable_variables
    self.one_d_adam = one_d_adam
    self.d_opts = [keras.optimizers.Adam(3e-4) for _ in range(1 if one_d_adam else 2)]
    self.g_opt = keras.optimizers.Adam(1e-4)
    self.step = 0
    self._d_step = tf.function(self._d_update)
    self._g_step = tf.function(self._g_update)

  def sample(self, z, labels=None, training=False):
    del labels, training  # unconditional; the original always normalised with batch stats
    return self.generator(z, training=True)

  def _d_update(self, real, z):
    with tf.GradientTape(persistent=True) as tape:
      real_logits = self.discriminator(real, training=True)
      fake_logits = self.discriminator(self.generator(z, training=True), training=True)
      real_term = losses.nonsaturating_real_term(real_logits)
      fake_term = losses.nonsaturating_fake_term(fake_logits)
      total = real_term + fake_term  # on the tape: the merged optimizer differentiates it
    if self.one_d_adam:
      self.d_opts[0].apply_gradients(zip(tape.gradient(total, self.d_vars), self.d_vars))
    else:  # both gradients first, from the same weights, then the two updates
      grads = [tape.gradient(term, self.d_vars) for term in (real_term, fake_term)]
      for opt, g in zip(self.d_opts, grads):
        opt.apply_gradients(zip(g, self.d_vars))
    return total

  def _g_update(self, z):
    with tf.GradientTape() as tape:
      loss = losses.nonsaturating_generator_loss(
          self.discriminator(self.generator(z, training=True), training=True))
    self.g_opt.apply_gradients(zip(tape.gradient(loss, self.g_vars), self.g_vars))
    return loss

  def train_step(self, images, rng):
    z = tf.constant(rng.normal(0, 1, (BATCH, NOISE_DIM)), tf.float32)
    d_loss = self._d_step(images, z)
    g_loss = tf.constant(0.0)
    if self.step >= PRETRAIN_STEPS:
      g_loss = self._g_step(tf.constant(rng.normal(0, 1, (BATCH, NOISE_DIM)), tf.float32))
    self.step += 1
    return float(d_loss), float(g_loss)


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  preset_quality.add_judge_arguments(parser)
  parser.add_argument('--steps', type=int, default=3000)
  parser.add_argument('--every', type=int, default=500)
  parser.add_argument('--one_d_adam', action='store_true',
                      help="one Adam on D's summed loss, as our preset")
  parser.add_argument('--n', type=int, default=10_000)
  parser.add_argument('--out', default='/tmp/quality_curves')
  args = parser.parse_args()
  tf.config.threading.set_inter_op_parallelism_threads(1)
  mnist_dir = preset_quality.mnist_dir_from(args.mnist_dir)
  scorer = quality_curve.CurveScorer(
      preset_quality.classifier_dir(args.classifier, mnist_dir, args.n), mnist_dir, args.n)
  label = 'dcgan_tutorial_original' + ('_one_d_adam' if args.one_d_adam else '')
  os.makedirs(args.out, exist_ok=True)
  x, y = mnist_idx.load(mnist_dir, 'train')
  batches = iter(data.numpy_dataset(x, y, BATCH, seed=0))
  training, rng, wall = TutorialTraining(args.one_d_adam), np.random.default_rng(0), 0.0
  preset = dcgan_tutorial.PRESET
  with open(os.path.join(args.out, f'{label}.jsonl'), 'w') as log:
    for target in range(args.every, args.steps + 1, args.every):
      start = time.perf_counter()
      while training.step < target:
        d_loss, g_loss = training.train_step(next(batches)[0], rng)
        if not np.isfinite([d_loss, g_loss]).all():
          raise SystemExit(f'{label}: non-finite loss at step {training.step}')
      wall += time.perf_counter() - start
      row = {'label': label, 'steps': target, 'train_wall_s': round(wall, 1),
             'd_loss': round(d_loss, 4), 'g_loss': round(g_loss, 4),
             **scorer(training.sample, preset)}
      print(json.dumps(row), flush=True)
      log.write(json.dumps(row) + '\n')
      log.flush()
  z, labels = observe.fixed_inputs(preset, 0)
  images = observe.to_unit(training.sample(z, labels), preset)
  observe.write_png(os.path.join(args.out, f'{label}.png'), observe.grid(images))
  print('final grid:', os.path.join(args.out, f'{label}.png'), flush=True)


if __name__ == '__main__':
  main()
