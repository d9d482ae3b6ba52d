"""Warm start: a finished run's networks, saved beside its export, seed the next run.

Saved: G, D, the EMA generator (if any) and the step counter, plus `info.json` (preset,
step, the shapes of G's and D's weights). Not saved: the optimizers. A fresh Adam re-estimates
its moments from the first step (that is what its bias correction is for), and restoring it
would also bring back the old run's learning rate and loss-scale wrapper even when the
config changed them. The step counter is kept so the run continues where the base stopped:
the EMA keeps its full decay instead of re-warming, D pre-training is not repeated, and the
noise (keyed by step) is new.

A base that cannot seed the current networks (other preset, or same preset with changed
shapes) is skipped with a warning instead of failing the run: after a preset change the
first run starts fresh, and once its model is blessed the next runs warm-start from it.
"""
import json
import os
from typing import Optional

from absl import logging
import tensorflow as tf

CHECKPOINT = 'ckpt'
INFO = 'info.json'


def _shapes(gan) -> dict:
  return {'generator': [list(w.shape) for w in gan.generator.weights],
          'discriminator': [list(w.shape) for w in gan.discriminator.weights]}


def _networks(gan, with_ema: bool) -> tf.train.Checkpoint:
  items = dict(generator=gan.generator, discriminator=gan.discriminator, step=gan.step)
  if with_ema:
    items['ema_generator'] = gan.ema_generator
  return tf.train.Checkpoint(**items)


def save(gan, directory: str) -> None:
  """Writes the networks and step of `gan` into `directory` for a later warm start."""
  has_ema = gan.ema_generator is not None
  _networks(gan, has_ema).write(os.path.join(directory, CHECKPOINT))
  info = {'preset': gan.preset.name, 'step': int(gan.step.numpy()), 'ema': has_ema,
          'shapes': _shapes(gan)}
  with tf.io.gfile.GFile(os.path.join(directory, INFO), 'w') as f:
    json.dump(info, f, indent=2)


def usable_base(directory: str, gan) -> Optional[dict]:
  """The info of the warm-start checkpoint in `directory` if it fits `gan`, else None.

  Says why in a warning when it does not fit or is missing.
  """
  info_path = os.path.join(directory, INFO)
  if not tf.io.gfile.exists(info_path):
    logging.warning('Warm start skipped: no %s in %s (a model exported before warm start '
                    'existed, or not by models.gan_trainer); training from scratch.', INFO,
                    directory)
    return None
  with tf.io.gfile.GFile(info_path) as f:
    info = json.load(f)
  if info['preset'] != gan.preset.name:
    problem = f'it is preset {info["preset"]!r}, this run trains {gan.preset.name!r}'
  elif info['shapes'] != _shapes(gan):
    problem = f'preset {gan.preset.name!r} changed its weight shapes since it was trained'
  else:
    return info
  logging.warning('Warm start skipped: the base model in %s does not fit: %s; training from '
                  'scratch.', directory, problem)
  return None


def restore(gan, directory: str, info: dict) -> None:
  """Loads G, D, the EMA generator and the step counter saved by `save` into `gan`."""
  with_ema = info['ema'] and gan.ema_generator is not None
  # expect_partial: a base EMA generator is simply unused when this run has none.
  _networks(gan, with_ema).read(os.path.join(directory, CHECKPOINT)) \
      .assert_existing_objects_matched().expect_partial()
  if gan.ema_generator is not None and not with_ema:
    gan.reset_ema()  # the base had no average: start it at the restored generator
