"""TFX Trainer entry point: `run_fn(fn_args)`. The only module that knows TFX's FnArgs.

custom_config -> TrainConfig (unknown keys rejected); fn_args.train_steps -> steps; Examples
-> tf.data via the Trainer's data accessor (TFXIO) or, without one, gzip TFRecords; then the
explicit loop (models/loop.py) with checkpoints in fn_args.model_run_dir (a rerun resumes),
and the generator exported to fn_args.serving_model_dir. The eval split is not used to
train: sample quality is judged later with the MNIST classifier.
"""
from absl import logging
import tensorflow as tf

from models import data, export, loop
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


def run_fn(fn_args):
  """Trains the preset named in custom_config and exports its generator."""
  config = TrainConfig.from_custom_config(fn_args.custom_config)
  preset = config.effective_preset()
  if not fn_args.train_steps or fn_args.train_steps <= 0:
    raise ValueError(f'TrainArgs.num_steps must be positive, got {fn_args.train_steps}')
  logging.info('run_fn: %s, %d steps, run dir %s', config, fn_args.train_steps,
               fn_args.model_run_dir)
  dataset = train_dataset(fn_args, config, preset.batch_size)
  gan = loop.train(config, dataset, fn_args.train_steps, fn_args.model_run_dir)
  export.export_generator(gan.export_generator, preset, fn_args.serving_model_dir)
  logging.info('Exported generator to %s', fn_args.serving_model_dir)
