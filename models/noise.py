"""Noise and label sampling with stateless RNG.

Stateless ops keyed by (seed, step, purpose, replica) make training noise reproducible,
identical after a resume, and independent per replica without any RNG state to checkpoint;
the exported `generate` signature uses the same sampler, so clients need no noise of their own.
"""
import tensorflow as tf

from models.presets import NUM_CLASSES


def sample_noise(distribution, shape, seed):
  """`seed`: int tensor of shape [2]. 'uniform' = U(-1, 1), 'normal' = N(0, 1)."""
  if distribution == 'uniform':
    return tf.random.stateless_uniform(shape, seed, minval=-1.0, maxval=1.0)
  if distribution == 'normal':
    return tf.random.stateless_normal(shape, seed)
  raise ValueError(f'Unknown noise distribution {distribution!r}')


def describe(distribution):
  """How the noise is drawn, for generator_spec.json."""
  return {'uniform': {'distribution': 'uniform', 'low': -1.0, 'high': 1.0},
          'normal': {'distribution': 'normal', 'mean': 0.0, 'stddev': 1.0}}[distribution]


def step_seed(base_seed, step, purpose):
  """A [2] int64 seed unique to (run seed, step, purpose, replica)."""
  ctx = tf.distribute.get_replica_context()
  replica = tf.cast(ctx.replica_id_in_sync_group if ctx else 0, tf.int64)
  mixed = tf.cast(step, tf.int64) * 64 + purpose * 8 + replica
  return tf.stack([tf.cast(base_seed, tf.int64), mixed])


def fixed_labels(rows=NUM_CLASSES, cols=10):
  """Labels of a sample grid: row r shows digit r."""
  return tf.repeat(tf.range(rows, dtype=tf.int32), cols)
