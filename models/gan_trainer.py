"""The GAN Trainer's entry point: `run_fn(fn_args)`.

custom_config -> TrainConfig (unknown keys rejected); fn_args.train_steps -> steps; Examples
-> tf.data via the Trainer's data accessor (TFXIO) or, without one, gzip TFRecords; then the
explicit loop (models/loop.py), and the generator exported to fn_args.serving_model_dir.
TensorBoard and sample grids go to fn_args.model_run_dir; the checkpoints go beside it, to
a folder keyed by a fingerprint of the training's inputs (models/resume.py), so that the
next execution of the same training (a rerun after a kill) resumes from them; it is removed
after a successful export. The eval split is not used to train: sample quality is judged
later with the MNIST classifier.

Warm start: beside the export, `<model uri>/warm_start/` keeps G, D, the EMA generator and
the step (models/warm_start.py), outside Format-Serving so no pusher ships it. When the
pipeline wires a `base_model` (the last blessed model), training starts from that folder.
"""
import os

from absl import logging

from models import examples_input, export, loop, resume, warm_start
from models.config import TrainConfig


def train_dataset(fn_args, config, batch_size):
  """Global batches of (images, labels) from the train split."""
  return examples_input.examples_dataset(fn_args, fn_args.train_files, batch_size,
                                         config.shuffle_buffer, config.seed)


def warm_start_dir(serving_model_dir):
  """`<model uri>/warm_start` for a model's `<model uri>/Format-Serving` (or base_model)."""
  return os.path.join(os.path.dirname(os.path.normpath(serving_model_dir)), 'warm_start')


def resume_dir(fn_args):
  """The checkpoint folder of this training, the same for every execution of it."""
  key = resume.fingerprint(fn_args.train_files, getattr(fn_args, 'base_model', None),
                           fn_args.custom_config, fn_args.train_steps)
  return resume.checkpoint_dir(fn_args.model_run_dir, key)


def run_fn(fn_args):
  """Trains the preset named in custom_config and exports its generator."""
  config = TrainConfig.from_custom_config(fn_args.custom_config)
  preset = config.effective_preset()
  if not fn_args.train_steps or fn_args.train_steps <= 0:
    raise ValueError(f'TrainArgs.num_steps must be positive, got {fn_args.train_steps}')
  logging.info('run_fn: %s, %d steps, run dir %s', config, fn_args.train_steps,
               fn_args.model_run_dir)
  base_model = getattr(fn_args, 'base_model', None)
  # None on a first run (the resolver found no blessed model) or with warm start off.
  base = warm_start_dir(base_model) if base_model else None
  logging.info('Warm start base: %s', base or 'none, training from scratch')
  checkpoints = resume_dir(fn_args)
  logging.info('Checkpoints in %s (a rerun of this training resumes from them)', checkpoints)
  dataset = train_dataset(fn_args, config, preset.batch_size)
  gan = loop.train(config, dataset, fn_args.train_steps, fn_args.model_run_dir,
                   warm_start_dir=base, checkpoint_dir=checkpoints)
  export.export_generator(gan.export_generator, preset, fn_args.serving_model_dir)
  warm_start.save(gan, warm_start_dir(fn_args.serving_model_dir))
  logging.info('Exported generator to %s', fn_args.serving_model_dir)
  # Only now: a kill before this point leaves the checkpoints for the rerun.
  resume.finish(checkpoints)
