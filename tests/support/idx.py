"""Reads the original MNIST IDX gz files directly, as ground truth for the tests."""
import gzip
import os

import numpy as np

FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}
ALL_FILES = [name for pair in FILES.values() for name in pair]


def read_split(mnist_dir: str, split: str):
  """Returns (uint8 images [N, 28, 28], uint8 labels [N]) of 'train' or 'test'."""
  images_file, labels_file = (os.path.join(mnist_dir, name) for name in FILES[split])
  with gzip.open(images_file, 'rb') as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
  with gzip.open(labels_file, 'rb') as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
  return images, labels
