"""Encodes and decodes the tf.Example layout of formats/examples.py (the layout's one
definition: feature names, sizes, value ranges)."""
import numpy as np
import tensorflow as tf

from formats import examples


def encode(image: np.ndarray, label: int) -> tf.train.Example:
  """Builds the Example for one uint8 image of shape (28, 28) or (28, 28, 1)."""
  pixels = np.asarray(image, dtype=np.int64).reshape(-1)
  return tf.train.Example(features=tf.train.Features(feature={
      examples.IMAGE_FEATURE: tf.train.Feature(int64_list=tf.train.Int64List(value=pixels)),
      examples.LABEL_FEATURE: tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
  }))


def decode(serialized: bytes) -> tuple:
  """Returns (uint8 image of shape (28, 28), int label) from a serialized Example."""
  features = tf.train.Example.FromString(serialized).features.feature
  pixels = np.asarray(features[examples.IMAGE_FEATURE].int64_list.value, dtype=np.uint8)
  label = features[examples.LABEL_FEATURE].int64_list.value[0]
  return pixels.reshape(examples.IMAGE_SHAPE), int(label)
