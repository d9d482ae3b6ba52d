"""Cheap GAN-Trainer stand-ins for release tests: no training, real export contract.

`copy_base_run_fn` ships the base model (the last pushed release) again unchanged: the
SavedModel gate sees candidate == baseline, so it blesses whenever the baseline passed.
`untrained_run_fn` exports an untrained generator of the preset in the Trainer's
custom_config through models/export.py, so a test can switch presets (noise size and
distribution) between runs in seconds.
"""
import os

import keras
import tensorflow as tf

from models import export
from models.presets import get_preset


def copy_base_run_fn(fn_args):
  base_model = getattr(fn_args, 'base_model', None)
  if not base_model:
    raise ValueError('copy_base_run_fn needs a base_model (a pushed release to copy); '
                     'the Trainer got none')
  for source_dir, _, files in tf.io.gfile.walk(base_model):
    target_dir = os.path.join(fn_args.serving_model_dir, os.path.relpath(source_dir, base_model))
    tf.io.gfile.makedirs(target_dir)
    for name in files:
      tf.io.gfile.copy(os.path.join(source_dir, name), os.path.join(target_dir, name))


def untrained_run_fn(fn_args):
  preset = get_preset(fn_args.custom_config['preset'])
  keras.utils.set_random_seed(0)  # the same untrained weights in every run
  generator = preset.build_generator()
  generator(tf.zeros([2, preset.noise_dim]), tf.zeros([2], tf.int32))
  export.export_generator(generator, preset, fn_args.serving_model_dir)
