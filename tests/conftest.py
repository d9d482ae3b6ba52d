"""Fixtures shared by all tests: the real MNIST files and a prepared TFDS copy of them."""
import os
import shutil

import pytest

from tests.support import idx

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='session')
def mnist_dir() -> str:
  """The folder of the four original MNIST gz files (env MNIST_DIR, else ../shared/...)."""
  path = os.environ.get('MNIST_DIR') or os.path.join(_REPO, '..', 'shared', 'data', 'mnist')
  missing = [name for name in idx.ALL_FILES if not os.path.exists(os.path.join(path, name))]
  if missing:
    pytest.fail(f'MNIST files {missing} not found in {path}: set MNIST_DIR to the folder with '
                'the four original gz files (the tests never download data).')
  return os.path.abspath(path)


@pytest.fixture(scope='session')
def tfds_data_dir(tmp_path_factory, mnist_dir) -> str:
  """A TFDS data dir with MNIST prepared once from the manual files, shared by tests."""
  from components.tfds_example_gen import executor
  data_dir = str(tmp_path_factory.mktemp('tfds'))
  executor.prepare_builder('mnist', data_dir, mnist_dir)
  return data_dir


@pytest.fixture
def mnist_copy(tmp_path, mnist_dir) -> str:
  """A writable copy of the MNIST files, for tests that damage them."""
  copy = tmp_path / 'mnist'
  copy.mkdir()
  for name in idx.ALL_FILES:
    shutil.copy(os.path.join(mnist_dir, name), copy / name)
  return str(copy)
