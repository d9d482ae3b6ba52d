"""Observability: TensorBoard scalars/images, fixed-noise PNG grids, progress log lines."""
import os
import time

from absl import logging
import tensorflow as tf

from models import noise
from models.presets import NUM_CLASSES


def fixed_inputs(preset, seed, cols=10):
  """Fixed grid inputs: conditional -> row r is digit r; otherwise 10 rows of samples."""
  labels = noise.fixed_labels(NUM_CLASSES, cols)
  z = noise.sample_noise(preset.noise, [NUM_CLASSES * cols, preset.noise_dim],
                         tf.constant([seed, 2**31 - 1], tf.int64))
  return z, labels


def to_unit(images, preset):
  """Generator output -> float32 in [0, 1]."""
  images = tf.cast(images, tf.float32)
  if preset.pixel_range == 'symmetric':
    images = (images + 1.0) / 2.0
  return tf.clip_by_value(images, 0.0, 1.0)


def grid(images, cols=10):
  """[N, 28, 28, 1] in [0, 1] -> one [1, rows*28, cols*28, 1] image."""
  n, h, w, c = images.shape
  rows = n // cols
  g = tf.reshape(images[:rows * cols], [rows, cols, h, w, c])
  g = tf.reshape(tf.transpose(g, [0, 2, 1, 3, 4]), [rows * h, cols * w, c])
  return g[None]


def write_png(path, grid_image):
  tf.io.gfile.makedirs(os.path.dirname(path))
  png = tf.io.encode_png(tf.cast(tf.round(grid_image[0] * 255.0), tf.uint8))
  tf.io.write_file(path, png)


class Observer:
  """Writes TensorBoard events, sample grids and log lines at the configured intervals."""

  def __init__(self, run_dir, config, preset, generator, batch_size, total_steps):
    self.config, self.preset, self.generator = config, preset, generator
    self.batch_size, self.total_steps = batch_size, total_steps
    self.sample_dir = os.path.join(run_dir, 'samples')
    self.writer = tf.summary.create_file_writer(os.path.join(run_dir, 'tensorboard'))
    self.z, self.labels = fixed_inputs(preset, config.seed)
    self._t0, self._step0 = time.perf_counter(), 0
    self.last_rate = 0.0

  def start(self, step):
    """Marks where timing starts (first step after a fresh start or a resume)."""
    self._t0, self._step0 = time.perf_counter(), step

  def _rate(self, step):
    """Images/s since the previous measurement (includes tracing on the first one)."""
    now = time.perf_counter()
    rate = (step - self._step0) * self.batch_size / max(now - self._t0, 1e-9)
    self._t0, self._step0 = now, step
    return rate

  def on_step(self, step, metrics):
    """`step`: number of completed steps; `metrics`: dict of numpy scalars."""
    c = self.config
    log_now = c.log_interval and step % c.log_interval == 0
    summary_now = c.summary_interval and step % c.summary_interval == 0
    if log_now or summary_now:
      self.last_rate = self._rate(step)
    if summary_now:
      with self.writer.as_default(step=step):
        for name, value in metrics.items():
          tf.summary.scalar(f'gan/{name}', value)
        tf.summary.scalar('perf/images_per_second', self.last_rate)
    if log_now:
      logging.info('step %d/%d  d_loss %.4f  g_loss %.4f  D(real) %.3f  D(fake) %.3f  %.0f img/s',
                   step, self.total_steps, metrics['d_loss'], metrics['g_loss'],
                   metrics['d_real'], metrics['d_fake'], self.last_rate)
    if c.sample_interval and step % c.sample_interval == 0:
      self.write_samples(step)

  def write_samples(self, step):
    images = to_unit(self.generator(self.z, self.labels, training=False), self.preset)
    g = grid(images)
    write_png(os.path.join(self.sample_dir, f'step_{step:07d}.png'), g)
    with self.writer.as_default(step=step):
      tf.summary.image('samples', g)
    self.writer.flush()
