"""The explicit training loop: strategy, checkpoints/resume, warm start, NaN guard, observability.

Not `model.fit`: the preset's schedule (G:D ratio, D pre-training) lives in models/gan.py and
this loop only drives steps, so every preset trains through identical machinery.
"""
import os

from absl import logging
import tensorflow as tf

from models import warm_start
from models.gan import Gan, nonfinite_kinds
from models.observe import Observer


class NonFiniteLossError(RuntimeError):
  """A loss, gradient or weight became NaN/Inf: training stops and nothing is exported."""


def make_strategy():
  """MirroredStrategy over all GPUs when there are several, else the default strategy."""
  gpus = tf.config.list_logical_devices('GPU')
  if len(gpus) > 1:
    return tf.distribute.MirroredStrategy([d.name for d in gpus])
  return tf.distribute.get_strategy()


def train(config, dataset, train_steps, run_dir, strategy=None, preset=None,
          warm_start_dir=None, checkpoint_dir=None):
  """Trains until the step counter reaches `train_steps`, resuming from `checkpoint_dir`.

  `dataset` yields global batches (images float32 [B, 28, 28, 1] in [0, 1], labels int32
  [B]) of `config.effective_preset().batch_size`. Returns the trained `Gan`. `preset`
  replaces the config's (experiments with architecture variants). `warm_start_dir` holds a
  checkpoint of models/warm_start.py: if it fits, the networks and step counter start from
  it and `train_steps` more steps are trained; a checkpoint in `checkpoint_dir` still wins.
  `checkpoint_dir` defaults to `<run_dir>/checkpoints` (models/gan_trainer.py puts it where the
  next execution of the same training finds it).
  """
  preset = preset or config.effective_preset()
  strategy = strategy or make_strategy()
  if preset.batch_size % strategy.num_replicas_in_sync:
    raise ValueError(f'batch_size {preset.batch_size} is not divisible by the '
                     f'{strategy.num_replicas_in_sync} replicas')
  gan = Gan(preset, config, strategy)
  checkpoint = gan.checkpoint()
  manager = tf.train.CheckpointManager(
      checkpoint, checkpoint_dir or os.path.join(run_dir, 'checkpoints'),
      max_to_keep=config.max_checkpoints)
  base = warm_start.usable_base(warm_start_dir, gan) if warm_start_dir else None
  if base:  # read even when resuming, so an interrupted warm-started run keeps its target
    train_steps += base['step']
  if manager.latest_checkpoint:
    # Resume wins over warm start: this run's own progress is newer than the base model.
    try:
      checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    except (AssertionError, ValueError) as e:  # e.g. the preset's architecture changed
      raise ValueError(f'Cannot resume from {manager.latest_checkpoint}: it does not fit '
                       f'preset {preset.name!r} ({e}). Delete {manager.directory} to train '
                       'from the start.') from e
    logging.info('Resumed from %s at step %d', manager.latest_checkpoint, int(gan.step))
  elif base:
    warm_start.restore(gan, warm_start_dir, base)
    logging.info('Warm start from %s at step %d (preset %r)', warm_start_dir, base['step'],
                 base['preset'])
  step = saved_step = int(gan.step.numpy())
  observer = Observer(run_dir, config, preset, gan.export_generator, preset.batch_size,
                      train_steps)
  logging.info('Training preset %r for %d steps (from %d), batch %d, %d replica(s)',
               preset.name, train_steps, step, preset.batch_size,
               strategy.num_replicas_in_sync)
  batches = iter(strategy.experimental_distribute_dataset(dataset))
  observer.start(step)
  while step < train_steps:
    images, labels = next(batches)
    metrics = gan.train_step(images, labels)
    bad = nonfinite_kinds(int(metrics.pop('nonfinite')))
    metrics = {k: float(v) for k, v in metrics.items()}
    if bad:
      # Checked before any save, so the last checkpoint stays a finite one.
      raise NonFiniteLossError(
          f'Non-finite {" and ".join(bad)} at step {step + 1} of preset {preset.name!r} '
          f'({metrics}). Training stopped and no model was exported; last good checkpoint: '
          f'{manager.latest_checkpoint}.')
    step += 1
    observer.on_step(step, metrics)
    if config.checkpoint_interval and step % config.checkpoint_interval == 0:
      manager.save(checkpoint_number=step)
      saved_step = step
  if saved_step != step:
    manager.save(checkpoint_number=step)
  observer.write_samples(step)
  return gan
