"""formats.mnist_idx: the TF-free IDX reader, on local files and, through SpanExampleGen's
tf.io.gfile opener, on filesystems only TensorFlow reaches (ram:// standing in for gs://)."""
import gzip

import numpy as np
import pytest
import tensorflow as tf

from components.span_example_gen import span_files
from formats import mnist_idx
from tests.components.ram_fs import ram_root  # pylint: disable=unused-import  (fixture)
from tests.support import idx


def _idx_bytes(array):
  array = np.asarray(array, np.uint8)
  header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, '>u4').tobytes()
  return header + array.tobytes()


def test_read_idx_reads_gz_and_raw_local_files(tmp_path):
  images = np.random.default_rng(0).integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
  np.testing.assert_array_equal(
      mnist_idx.read_idx(idx.write(str(tmp_path / 'a-images-idx3-ubyte.gz'), images)), images)
  np.testing.assert_array_equal(
      mnist_idx.read_idx(idx.write(str(tmp_path / 'a-images-idx3-ubyte'), images)), images)


def test_load_matches_the_ground_truth_reader(mnist_dir):
  images, labels = mnist_idx.load(mnist_dir, 'test', limit=100)
  truth_images, truth_labels = idx.read_split(mnist_dir, 'test')
  np.testing.assert_array_equal(images, truth_images[:100])
  np.testing.assert_array_equal(labels, truth_labels[:100])
  assert labels.dtype == np.int64


def test_span_idx_pairs_are_read_through_gfile(ram_root):
  images = np.random.default_rng(1).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
  span = f'{ram_root}/span-1'
  tf.io.gfile.makedirs(span)
  with tf.io.gfile.GFile(f'{span}/x-images-idx3-ubyte.gz', 'wb') as f:
    f.write(gzip.compress(_idx_bytes(images)))
  with tf.io.gfile.GFile(f'{span}/x-labels-idx1-ubyte', 'wb') as f:
    f.write(_idx_bytes([3, 1, 4]))
  [source] = span_files.find_sources(f'{span}/*')
  pairs = list(span_files.read_source(source))
  assert [label for _, label in pairs] == [3, 1, 4]
  np.testing.assert_array_equal(np.stack([image for image, _ in pairs]), images)


def test_a_file_gfile_cannot_read_fails_naming_it(ram_root):
  missing = f'{ram_root}/gone-images-idx3-ubyte'
  source = span_files.Source('idx', (missing, f'{ram_root}/gone-labels-idx1-ubyte'))
  with pytest.raises(mnist_idx.IdxFormatError, match=rf'{missing}: cannot read'):
    list(span_files.read_source(source))
