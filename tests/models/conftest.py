"""Fixtures: the real MNIST IDX files (never skipped: missing data is a failure) and helpers."""
import os
import sys

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
  sys.path.insert(0, REPO)

from formats import examples, mnist_idx  # pylint: disable=g-import-not-at-top,wrong-import-position

_FILES = list(mnist_idx.ALL_FILES)


def _candidates():
  if os.environ.get('MNIST_DIR'):
    return [os.environ['MNIST_DIR']]
  return ['/work/shared/data/mnist', os.path.join(REPO, '..', 'shared', 'data', 'mnist')]


@pytest.fixture(scope='session')
def mnist_dir():
  for path in _candidates():
    if all(os.path.exists(os.path.join(path, f)) for f in _FILES):
      return os.path.abspath(path)  # subprocesses of the tests run in other folders
  pytest.fail(f'MNIST IDX files {_FILES} not found in any of {_candidates()}; set MNIST_DIR '
              'to the folder holding them.')


@pytest.fixture(scope='session')
def mnist_small(mnist_dir):
  """4096 real training examples: (uint8 [N, 28, 28], int64 [N])."""
  return mnist_idx.load(mnist_dir, 'train', limit=4096)


def batch(mnist_small, n, offset=0):
  """A real batch in the loop's contract: float32 [n, 28, 28, 1] in [0, 1], int32 [n]."""
  images, labels = mnist_small
  x = (images[offset:offset + n].astype(np.float32) / 255.0)[..., None]
  return x, labels[offset:offset + n].astype(np.int32)


def _write_examples(path, images, labels):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with tf.io.TFRecordWriter(path, options='GZIP') as writer:
    for image, label in zip(images, labels):
      feature = {
          examples.IMAGE_FEATURE: tf.train.Feature(
              int64_list=tf.train.Int64List(value=image.reshape(-1))),
          examples.LABEL_FEATURE: tf.train.Feature(
              int64_list=tf.train.Int64List(value=[int(label)])),
      }
      writer.write(tf.train.Example(features=tf.train.Features(feature=feature))
                   .SerializeToString())


@pytest.fixture
def tfrecord_fn_args(mnist_small, tmp_path):
  """Builds a real TFX FnArgs (DataAccessor from an Examples artifact) over gzip TFRecords
  in the ExampleGen's layout (formats/examples.py)."""
  from tests.support import gan_fn_args  # pylint: disable=g-import-not-at-top
  images, labels = mnist_small
  root = tmp_path / 'examples'
  _write_examples(str(root / 'Split-train' / 'data_tfrecord-00000-of-00001.gz'),
                  images[:512], labels[:512])
  _write_examples(str(root / 'Split-eval' / 'data_tfrecord-00000-of-00001.gz'),
                  images[512:640], labels[512:640])

  def make(custom_config, train_steps):
    return gan_fn_args.make(root, tmp_path / 'model', tmp_path / 'model_run', custom_config,
                            train_steps)
  return make
