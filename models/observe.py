"""Observability: TensorBoard scalars/images, fixed-noise PNG grids, progress lines with ETA."""
import os
import time

from absl import logging
import tensorflow as tf

from formats import examples
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
  png = tf.io.encode_png(tf.cast(tf.round(grid_image[0] * examples.PIXEL_MAX), tf.uint8))
  tf.io.write_file(path, png)


def duration(seconds):
  """'1h02m', '7m05s' or '42s': a readable time left."""
  seconds = int(round(seconds))
  if seconds >= 3600:
    return f'{seconds // 3600}h{seconds % 3600 // 60:02d}m'
  return f'{seconds // 60}m{seconds % 60:02d}s' if seconds >= 60 else f'{seconds}s'


class Observer:
  """Writes TensorBoard events, sample grids and log lines at the configured intervals.

  Fed once per compiled call (`on_call`) with every step's metrics: scalars and progress
  lines go out at exactly their steps from those values; sample grids need the weights of
  their step, so the loop ends a call on every sample step.
  """

  def __init__(self, run_dir, config, preset, generator, batch_size, total_steps,
               writes=True):
    self.config, self.preset, self.generator = config, preset, generator
    self.batch_size, self.total_steps = batch_size, total_steps
    self.sample_dir = os.path.join(run_dir, 'samples')
    # A worker that is not the chief computes the same grids (reading mirrored weights may
    # take every worker) but keeps nothing.
    self.writes = writes
    self.writer = (tf.summary.create_file_writer(os.path.join(run_dir, 'tensorboard'))
                   if writes else tf.summary.create_noop_writer())
    self.z, self.labels = fixed_inputs(preset, config.seed)
    self._t0, self._step0 = time.perf_counter(), 0
    self.last_rate = 0.0

  def start(self, step):
    """Marks where timing starts (first step after a fresh start or a resume)."""
    self._t0, self._step0 = time.perf_counter(), step

  def _rate(self, step):
    """Steps/s since the previous measurement (includes tracing on the first one)."""
    now = time.perf_counter()
    rate = (step - self._step0) / max(now - self._t0, 1e-9)
    self._t0, self._step0 = now, step
    return rate

  def on_call(self, first_step, metrics):
    """After a call that ran steps `first_step + 1 ...`: `metrics` maps each name to a numpy
    array with one value per step run."""
    c = self.config
    steps = range(first_step + 1, first_step + 1 + len(metrics['d_loss']))
    if not steps:  # a call whose first step was non-finite
      return
    due = lambda interval, s: interval and s % interval == 0  # noqa: E731
    if any(due(c.log_interval, s) or due(c.summary_interval, s) for s in steps):
      self.last_rate = self._rate(steps[-1])  # measured at the call's end: the host's clock
    for i, s in enumerate(steps):
      values = {name: float(v[i]) for name, v in metrics.items()}
      if due(c.summary_interval, s):
        with self.writer.as_default(step=s):
          for name, value in values.items():
            tf.summary.scalar(f'gan/{name}', value)
          tf.summary.scalar('perf/images_per_second', self.last_rate * self.batch_size)
          tf.summary.scalar('perf/steps_per_second', self.last_rate)
      if due(c.log_interval, s):
        self._log(s, values)
    if due(c.sample_interval, steps[-1]):
      self.write_samples(steps[-1])

  def _log(self, step, values):
    left = (self.total_steps - step) / self.last_rate if self.last_rate else float('nan')
    logging.info('step %d/%d  d_loss %.4f  g_loss %.4f  D(real) %.3f  D(fake) %.3f  '
                 '%.1f steps/s  %.0f img/s  ETA %s', step, self.total_steps,
                 values['d_loss'], values['g_loss'], values['d_real'], values['d_fake'],
                 self.last_rate, self.last_rate * self.batch_size,
                 duration(left) if self.last_rate else '?')

  def write_samples(self, step):
    images = to_unit(self.generator(self.z, self.labels, training=False), self.preset)
    if not self.writes:
      return
    g = grid(images)
    write_png(os.path.join(self.sample_dir, f'step_{step:07d}.png'), g)
    with self.writer.as_default(step=step):
      tf.summary.image('samples', g)
    self.writer.flush()
