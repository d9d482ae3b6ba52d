"""The GAN Trainer's entry point: `run_fn(fn_args)`.

custom_config -> TrainConfig (unknown keys rejected); fn_args.train_steps -> steps; Examples
-> tf.data via the Trainer's data accessor (TFXIO) or, without one, gzip TFRecords; then the
explicit loop (models/loop.py), and the generator exported to fn_args.serving_model_dir.
TensorBoard and sample grids go to fn_args.model_run_dir; the checkpoints go beside it, to
a folder keyed by a fingerprint of the training's inputs (models/resume.py), so that the
next execution of the same training (a rerun after a kill) resumes from them; it is removed
after a successful export. The eval split is not used to train: sample quality is judged
later with the MNIST classifier.

Across workers (TF_CONFIG naming several, as Vertex AI Training sets it for a job with a
worker pool; models/cluster.py): every process runs this with the same inputs; the chief
exports and keeps the checkpoints, the others export into a scratch folder that is removed.
On Vertex AI, TFX's Google Cloud Trainer extension passes its own keys
(`ai_platform_training_args`, ...) to run_fn inside custom_config: they are set aside before
the TrainConfig is built.

Warm start: beside the export, `<model uri>/warm_start/` keeps G, D, the EMA generator and
the step (models/warm_start.py), outside Format-Serving so no pusher ships it; pictures of
G and D for the release page go inside it, to `architecture/` (models/architecture.py). When
the pipeline wires a `base_model` (the last blessed model), training starts from that folder.
"""
import os

from absl import logging

import dataclasses

from models import architecture, cluster, examples_input, export, loop, resume, warm_start
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


def training_config(custom_config):
  """custom_config without the keys of TFX's Google Cloud Trainer extension, which reach
  run_fn too when the Trainer runs on Vertex AI; any other unknown key still fails."""
  custom_config = dict(custom_config or {})
  if set(custom_config) - {f.name for f in dataclasses.fields(TrainConfig)}:
    # Imported only then: it loads the Vertex AI client (seconds).
    from tfx.extensions.google_cloud_ai_platform.trainer import executor as cloud  # pylint: disable=g-import-not-at-top
    for key in (cloud.TRAINING_ARGS_KEY, cloud.JOB_ID_KEY, cloud.LABELS_KEY,
                cloud.ENABLE_VERTEX_KEY, cloud.VERTEX_REGION_KEY, cloud.ENABLE_UCAIP_KEY,
                cloud.UCAIP_REGION_KEY):
      custom_config.pop(key, None)
  return custom_config


def run_fn(fn_args):
  """Trains the preset named in custom_config and exports its generator."""
  # First: MultiWorkerMirroredStrategy must exist before TensorFlow runs anything else.
  strategy = cluster.make_strategy()
  config = TrainConfig.from_custom_config(training_config(fn_args.custom_config))
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
                   strategy=strategy, warm_start_dir=base, checkpoint_dir=checkpoints)
  with cluster.scratch_dir(strategy) as scratch:
    # Every worker exports (it reads the distributed weights); only the chief's is kept.
    serving = os.path.join(scratch, 'Format-Serving') if scratch else fn_args.serving_model_dir
    export.export_generator(gan.export_generator, preset, serving)
    warm_start.save(gan, warm_start_dir(serving))
  if scratch:
    logging.info('Worker done; the chief exports to %s', fn_args.serving_model_dir)
    return
  logging.info('Exported generator to %s', fn_args.serving_model_dir)
  # For the release page; D exists only here. Never raises (a warning line instead).
  architecture.write_pictures(preset, fn_args.serving_model_dir)
  # Only now: a kill before this point leaves the checkpoints for the rerun.
  resume.finish(checkpoints)
