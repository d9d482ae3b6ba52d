"""The tf.Example layout every downstream stage reads.

`image` is the 28x28 picture as 784 int64 pixel values in row-major order (0 = background,
255 = full ink); `label` is one int64 digit. Plain integer lists (rather than PNG bytes) let
the curated schema check the image size and pixel range, and decode without image codecs.
"""
import numpy as np
import tensorflow as tf

IMAGE_KEY = 'image'
LABEL_KEY = 'label'
IMAGE_SHAPE = (28, 28)
IMAGE_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]


def encode(image: np.ndarray, label: int) -> tf.train.Example:
  """Builds the Example for one uint8 image of shape (28, 28) or (28, 28, 1)."""
  pixels = np.asarray(image, dtype=np.int64).reshape(-1)
  return tf.train.Example(features=tf.train.Features(feature={
      IMAGE_KEY: tf.train.Feature(int64_list=tf.train.Int64List(value=pixels)),
      LABEL_KEY: tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
  }))


def decode(serialized: bytes) -> tuple:
  """Returns (uint8 image of shape (28, 28), int label) from a serialized Example."""
  features = tf.train.Example.FromString(serialized).features.feature
  pixels = np.asarray(features[IMAGE_KEY].int64_list.value, dtype=np.uint8)
  return pixels.reshape(IMAGE_SHAPE), int(features[LABEL_KEY].int64_list.value[0])
