"""The explicit training loop: strategy, checkpoints/resume, warm start, NaN guard, observability.

Not `model.fit`: the preset's schedule (G:D ratio, D pre-training) lives in models/gan.py and
this loop only drives compiled calls of `steps_per_call` steps, so every preset trains
through identical machinery. A call is cut short to end exactly on every checkpoint step,
every sample step and `train_steps`, so checkpoint and warm-start step counts are the same
whatever K is; scalars and progress lines use each step's own values from the call.

In a cluster (models/cluster.py) every worker runs this loop; the chief writes the
checkpoints, summaries and grids, the others restore from the chief's checkpoints and save
into a scratch folder that is removed.
"""
import os

from absl import logging
import numpy as np
import tensorflow as tf

from models import cluster, warm_start
from models.gan import Gan, nonfinite_kinds
from models.observe import Observer
from models.presets import IMAGE_SHAPE

make_strategy = cluster.make_strategy  # where callers have always found it


class NonFiniteLossError(RuntimeError):
  """A loss, gradient or weight became NaN/Inf: training stops and nothing is exported."""


def call_length(step, train_steps, config, preset):
  """How many steps the call starting after `step` runs: at most `steps_per_call`, ending on
  the next checkpoint or sample step, the end of D pre-training, or `train_steps`."""
  end = min(train_steps, step + config.steps_per_call)
  for interval in (config.checkpoint_interval, config.sample_interval):
    if interval:
      end = min(end, (step // interval + 1) * interval)
  if step < preset.d_pretrain_steps:
    end = min(end, preset.d_pretrain_steps)
  return end - step


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
  with cluster.scratch_dir(strategy) as scratch:
    return _train(config, dataset, train_steps, run_dir, strategy, preset, warm_start_dir,
                  checkpoint_dir or os.path.join(run_dir, 'checkpoints'), scratch)


def _train(config, dataset, train_steps, run_dir, strategy, preset, warm_start_dir,
           checkpoint_dir, scratch):
  """`train`, with `scratch` None on the chief, else the folder this worker saves into."""
  gan = Gan(preset, config, strategy)
  checkpoint = gan.checkpoint()
  manager = tf.train.CheckpointManager(
      checkpoint, os.path.join(scratch, 'checkpoints') if scratch else checkpoint_dir,
      max_to_keep=config.max_checkpoints)
  latest = tf.train.latest_checkpoint(checkpoint_dir)  # the chief's, on every worker
  base = warm_start.usable_base(warm_start_dir, gan) if warm_start_dir else None
  if base:  # read even when resuming, so an interrupted warm-started run keeps its target
    train_steps += base['step']
  if latest:
    # Resume wins over warm start: this run's own progress is newer than the base model.
    try:
      checkpoint.restore(latest).assert_existing_objects_matched()
    except (AssertionError, ValueError) as e:  # e.g. the preset's architecture changed
      raise ValueError(f'Cannot resume from {latest}: it does not fit preset '
                       f'{preset.name!r} ({e}). Delete {checkpoint_dir} to train from the '
                       'start.') from e
    logging.info('Resumed from %s at step %d', latest, int(gan.step.numpy()))
  elif base:
    warm_start.restore(gan, warm_start_dir, base)
    logging.info('Warm start from %s at step %d (preset %r)', warm_start_dir, base['step'],
                 base['preset'])
  step = saved_step = int(gan.step.numpy())
  observer = Observer(run_dir, config, preset, gan.export_generator, preset.batch_size,
                      train_steps, writes=scratch is None)
  logging.info('Training preset %r for %d steps (from %d), batch %d, %d replica(s), '
               '%d steps per call', preset.name, train_steps, step, preset.batch_size,
               strategy.num_replicas_in_sync, config.steps_per_call)
  batches = iter(strategy.experimental_distribute_dataset(_sharded(dataset, strategy)))
  observer.start(step)
  while step < train_steps:
    metrics = gan.train_steps(batches, call_length(step, train_steps, config, preset))
    flags = metrics.pop('nonfinite')
    bad = np.flatnonzero(flags)
    if bad.size:  # the call stopped at its first bad step: the last one
      observer.on_call(step, {k: v[:bad[0]] for k, v in metrics.items()})
      values = {k: float(v[bad[0]]) for k, v in metrics.items()}
      # Checked before any save, so the last checkpoint stays a finite one.
      raise NonFiniteLossError(
          f'Non-finite {" and ".join(nonfinite_kinds(int(flags[bad[0]])))} at step '
          f'{step + bad[0] + 1} of preset {preset.name!r} ({values}). Training stopped and '
          'no model was exported; last good checkpoint: '
          f'{tf.train.latest_checkpoint(checkpoint_dir)}.')
    observer.on_call(step, metrics)
    step += len(flags)
    if config.checkpoint_interval and step % config.checkpoint_interval == 0:
      manager.save(checkpoint_number=step)
      saved_step = step
  if saved_step != step:
    manager.save(checkpoint_number=step)
  observer.write_samples(step)
  return gan


def _sharded(dataset, strategy):
  """The loop's contract made static (the compiled call is traced from the dataset's
  element spec, so a shape lost on the way, e.g. by a py_function, would fail inside the
  model), and across workers, each takes its share of every global batch (DATA sharding):
  the Trainer's files are too few to give each worker files of its own."""
  if isinstance(dataset.element_spec, tuple) and len(dataset.element_spec) == 2:
    # Anything else is not read by a 0-step run (e.g. a warm start that adds no steps);
    # with steps to train, the compiled call refuses it by its spec.
    dataset = dataset.map(lambda images, labels: (
        tf.ensure_shape(images, [None, *IMAGE_SHAPE]), tf.ensure_shape(labels, [None])))
  if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = dataset.with_options(options)
  return dataset
