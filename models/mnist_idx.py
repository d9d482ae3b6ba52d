"""Reads the MNIST IDX gz files (train-images-idx3-ubyte.gz, ...) into numpy arrays.

Used by tests, benchmarks and the sample-quality tools; the pipeline itself reads the
ExampleGen's TFRecords.
"""
import gzip
import os

import numpy as np

FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}


def _read_idx(path):
  with gzip.open(path, 'rb') as f:
    data = f.read()
  ndim = data[3]
  dims = np.frombuffer(data, '>u4', count=ndim, offset=4)
  return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(mnist_dir, split='train', limit=None):
  """Returns (images uint8 [N, 28, 28], labels int64 [N]) of 'train' or 'test'."""
  image_file, label_file = FILES[split]
  images = _read_idx(os.path.join(mnist_dir, image_file))
  labels = _read_idx(os.path.join(mnist_dir, label_file)).astype(np.int64)
  if limit is not None:
    images, labels = images[:limit], labels[:limit]
  return images, labels
