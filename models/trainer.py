"""TFX Trainer entry point: `run_fn(fn_args)`. The only module that knows TFX's FnArgs.

custom_config -> TrainConfig (unknown keys rejected); fn_args.train_steps -> steps; Examples
-> tf.data via the Trainer's data accessor (TFXIO) or, without one, gzip TFRecords; then the
explicit loop (models/loop.py) with checkpoints in fn_args.model_run_dir (a rerun resumes),
and the generator exported to fn_args.serving_model_dir. The eval split is not used to
train: sample quality is judged later with the MNIST classifier.

Warm start: beside the export, `<model uri>/warm_start/` keeps G, D, the EMA generator and
the step (models/warm_start.py), outside Format-Serving so no pusher ships it. When the
pipeline wires a `base_model` (the last blessed model), training starts from that folder.
"""
import os

from absl import logging
import tensorflow as tf

from models import data, export, loop, warm_start
from models.config import TrainConfig


def _load_schema(schema_path):
  from tfx.utils import io_utils  # pylint: disable=g-import-not-at-top
  from tensorflow_metadata.proto.v0 import schema_pb2  # pylint: disable=g-import-not-at-top
  return io_utils.parse_pbtxt_file(schema_path, schema_pb2.Schema())


def train_dataset(fn_args, config, batch_size):
  """Global batches of (images, labels) from the train split."""
  accessor = getattr(fn_args, 'data_accessor', None)
  if accessor is None or not getattr(fn_args, 'schema_path', None):
    return data.tfrecord_dataset(fn_args.train_files, batch_size, config.shuffle_buffer,
                                 config.seed)
  from tfx_bsl.public import tfxio  # pylint: disable=g-import-not-at-top
  options = tfxio.TensorFlowDatasetOptions(
      batch_size=batch_size, shuffle=True, shuffle_seed=config.seed,
      shuffle_buffer_size=config.shuffle_buffer, num_epochs=None, drop_final_batch=True)
  features = accessor.tf_dataset_factory(fn_args.train_files, options,
                                         _load_schema(fn_args.schema_path))
  decoded = features.map(data.from_feature_dict, num_parallel_calls=tf.data.AUTOTUNE)
  return decoded.prefetch(tf.data.AUTOTUNE)


def warm_start_dir(serving_model_dir):
  """`<model uri>/warm_start` for a model's `<model uri>/Format-Serving` (or base_model)."""
  return os.path.join(os.path.dirname(os.path.normpath(serving_model_dir)), 'warm_start')


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
  dataset = train_dataset(fn_args, config, preset.batch_size)
  gan = loop.train(config, dataset, fn_args.train_steps, fn_args.model_run_dir,
                   warm_start_dir=base)
  export.export_generator(gan.export_generator, preset, fn_args.serving_model_dir)
  warm_start.save(gan, warm_start_dir(fn_args.serving_model_dir))
  logging.info('Exported generator to %s', fn_args.serving_model_dir)
