"""The Trainers' input: Examples -> tf.data batches of (images, labels), from TFX's FnArgs.

Shared by the GAN trainer (models/gan_trainer.py) and the evaluation classifier
(models/classifier_trainer.py). The Trainer's data accessor (TFXIO) reads the Examples
when there is one and a schema; without them (tools, some tests) the gzip TFRecords are
read directly. Batches follow models/data.py's contract.
"""
import tensorflow as tf

from models import data


def _load_schema(schema_path):
  from tfx.utils import io_utils  # pylint: disable=g-import-not-at-top
  from tensorflow_metadata.proto.v0 import schema_pb2  # pylint: disable=g-import-not-at-top
  return io_utils.parse_pbtxt_file(schema_path, schema_pb2.Schema())


def examples_dataset(fn_args, file_patterns, batch_size, shuffle_buffer, seed, repeat=True):
  """(images, labels) batches of the Examples in `file_patterns`: through the Trainer's data
  accessor (TFXIO) when it has one and a schema, else straight from the gzip TFRecords.

  repeat=True: shuffled, endless, full batches (training). repeat=False: one pass in order,
  the last batch may be short (evaluation).
  """
  accessor = getattr(fn_args, 'data_accessor', None)
  if accessor is None or not getattr(fn_args, 'schema_path', None):
    return data.tfrecord_dataset(file_patterns, batch_size, shuffle_buffer, seed, repeat)
  from tfx_bsl.public import tfxio  # pylint: disable=g-import-not-at-top
  options = tfxio.TensorFlowDatasetOptions(
      batch_size=batch_size, shuffle=repeat, shuffle_seed=seed,
      shuffle_buffer_size=shuffle_buffer, num_epochs=None if repeat else 1,
      drop_final_batch=repeat)
  features = accessor.tf_dataset_factory(file_patterns, options,
                                         _load_schema(fn_args.schema_path))
  decoded = features.map(data.from_feature_dict, num_parallel_calls=tf.data.AUTOTUNE)
  return decoded.prefetch(tf.data.AUTOTUNE)
