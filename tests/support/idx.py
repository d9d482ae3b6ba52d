"""Reads the original MNIST IDX gz files directly, as ground truth for the tests, and writes
IDX files (new data arriving as spans)."""
import gzip
import os

import numpy as np

from formats.mnist_idx import ALL_FILES, FILES  # pylint: disable=unused-import  (re-exported)


def read_split(mnist_dir: str, split: str):
  """Returns (uint8 images [N, 28, 28], uint8 labels [N]) of 'train' or 'test'."""
  images_file, labels_file = (os.path.join(mnist_dir, name) for name in FILES[split])
  with gzip.open(images_file, 'rb') as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
  with gzip.open(labels_file, 'rb') as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
  return images, labels


def write(path: str, array: np.ndarray) -> str:
  """Writes a uint8 array as an IDX file (gzipped when `path` ends in .gz); returns path."""
  array = np.asarray(array, np.uint8)
  header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, '>u4').tobytes()
  opener = gzip.open if path.endswith('.gz') else open
  with opener(path, 'wb') as f:
    f.write(header + array.tobytes())
  return path
