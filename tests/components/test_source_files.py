"""The manual-download check names the missing or damaged file."""
import os

import pytest
import tensorflow_datasets as tfds

from components.tfds_example_gen import source_files


@pytest.fixture
def builder(tmp_path):
  return tfds.builder('mnist', data_dir=str(tmp_path / 'tfds'), try_gcs=False)


def test_real_files_pass(builder, mnist_dir):
  checked = source_files.verify_manual_dir(builder, mnist_dir)
  assert sorted(os.path.basename(p) for p in checked) == sorted([
      'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'])


def test_missing_file_is_named(builder, mnist_copy):
  os.remove(os.path.join(mnist_copy, 't10k-labels-idx1-ubyte.gz'))
  with pytest.raises(source_files.SourceFileError, match=r't10k-labels-idx1-ubyte\.gz: missing'):
    source_files.verify_manual_dir(builder, mnist_copy)


def test_truncated_file_is_named(builder, mnist_copy):
  path = os.path.join(mnist_copy, 'train-images-idx3-ubyte.gz')
  with open(path, 'r+b') as f:
    f.truncate(os.path.getsize(path) // 2)
  with pytest.raises(source_files.SourceFileError,
                     match=r'train-images-idx3-ubyte\.gz: truncated or corrupt'):
    source_files.verify_manual_dir(builder, mnist_copy)


def test_same_size_corruption_is_caught(builder, mnist_copy):
  path = os.path.join(mnist_copy, 'train-labels-idx1-ubyte.gz')
  data = bytearray(open(path, 'rb').read())
  data[len(data) // 2] ^= 0xFF
  open(path, 'wb').write(bytes(data))
  with pytest.raises(source_files.SourceFileError, match=r'train-labels-idx1-ubyte\.gz'):
    source_files.verify_manual_dir(builder, mnist_copy)
