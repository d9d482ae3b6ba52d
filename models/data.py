"""tf.data pipelines yielding (images float32 [B, 28, 28, 1] in [0, 1], labels int32 [B]).

This is the contract of the training loop. Sources: tf.Example TFRecords in the layout of
formats/examples.py, feature dicts from a TFXIO dataset factory, or numpy arrays (tests,
benchmarks). Batches have a fixed size (drop_remainder) so the step traces once, XLA sees
static shapes and replicas get equal shares.
"""
import tensorflow as tf

from formats import examples

FEATURE_SPEC = {name: tf.io.FixedLenFeature([size], tf.as_dtype(examples.INT_DTYPE))
                for name, size in examples.INT_FEATURES.items()}


def to_images_labels(image, label):
  """Raw int features (any leading batch shape) -> the loop's (images, labels) contract."""
  images = tf.reshape(tf.cast(image, tf.float32) / float(examples.PIXEL_MAX),
                      [-1, *examples.MODEL_IMAGE_SHAPE])
  return images, tf.reshape(tf.cast(label, tf.int32), [-1])


def _dense(value, width):
  if isinstance(value, tf.SparseTensor):
    value = tf.sparse.to_dense(value)
  elif isinstance(value, tf.RaggedTensor):
    value = value.to_tensor()
  return tf.reshape(value, [-1, width])


def from_feature_dict(features):
  """Decodes a batch from a TFXIO factory (dense, sparse or ragged, per the schema)."""
  return to_images_labels(_dense(features[examples.IMAGE_FEATURE], examples.IMAGE_SIZE),
                          _dense(features[examples.LABEL_FEATURE], examples.LABEL_SIZE))


def _decode_records(serialized):
  features = tf.io.parse_example(serialized, FEATURE_SPEC)
  return to_images_labels(features[examples.IMAGE_FEATURE], features[examples.LABEL_FEATURE])


def tfrecord_dataset(file_patterns, batch_size, shuffle_buffer=10000, seed=0, repeat=True):
  """Gzip TFRecords of tf.Example, read without TFX (fallback and tools).

  repeat=True: shuffled, endless, full batches (training). repeat=False: one pass in file
  order, the last batch may be short (evaluation).
  """
  if not repeat:
    records = tf.data.TFRecordDataset(tf.io.gfile.glob(list(file_patterns)),
                                      compression_type='GZIP')
    return records.batch(batch_size).map(_decode_records)
  files = tf.data.Dataset.list_files(list(file_patterns), shuffle=True, seed=seed)
  records = tf.data.TFRecordDataset(files, compression_type='GZIP',
                                    num_parallel_reads=tf.data.AUTOTUNE)
  records = records.shuffle(shuffle_buffer, seed=seed).repeat()
  batches = records.batch(batch_size, drop_remainder=True)
  decoded = batches.map(_decode_records, num_parallel_calls=tf.data.AUTOTUNE)
  return decoded.prefetch(tf.data.AUTOTUNE)


def numpy_dataset(images_uint8, labels, batch_size, shuffle_buffer=10000, seed=0):
  """From arrays [N, 28, 28] (or [N, 784]) uint8 and [N] ints; decoding is batched."""
  ds = tf.data.Dataset.from_tensor_slices((images_uint8, labels))
  ds = ds.shuffle(shuffle_buffer, seed=seed).repeat().batch(batch_size, drop_remainder=True)
  ds = ds.map(to_images_labels, num_parallel_calls=tf.data.AUTOTUNE)
  return ds.prefetch(tf.data.AUTOTUNE)
