"""`make test` without MNIST_DIR: tools/fetch_mnist.py finds the cached files or fetches them
through TFDS's download manager. No test goes online: the manager is replaced by one that
copies the real files (or refuses, as offline)."""
import os
import shutil
import subprocess
import sys

import pytest

from components.tfds_example_gen import source_files
from tests.support import idx
from tools import fetch_mnist


class _RefusingManager:
  def __init__(self, download_dir):
    del download_dir

  def download(self, urls):
    raise OSError(f'offline: {sorted(urls)}')


def _copying_manager(source_dir, damage=None):
  class CopyingManager:
    """Stands in for tfds.download.DownloadManager: 'downloads' from `source_dir`."""

    def __init__(self, download_dir):
      self.download_dir = download_dir

    def download(self, urls):
      paths = {}
      for name in urls:
        path = os.path.join(self.download_dir, 'hashed_' + name)
        shutil.copy(os.path.join(source_dir, name), path)
        if name == damage:
          with open(path, 'r+b') as f:
            f.truncate(100)
        paths[name] = path
      return paths
  return CopyingManager


def test_a_complete_cache_is_used_without_downloading(mnist_copy):
  assert fetch_mnist.fetch(mnist_copy, download_manager_class=_RefusingManager) == mnist_copy


def test_missing_files_are_fetched_into_the_cache_under_their_names(mnist_dir, tmp_path):
  cache = str(tmp_path / 'cache')
  assert fetch_mnist.fetch(cache, download_manager_class=_copying_manager(mnist_dir)) == cache
  assert sorted(os.listdir(cache)) == sorted(idx.ALL_FILES)  # no scratch or partial files
  # A second call finds them: it would fail if it tried to download again.
  assert fetch_mnist.fetch(cache, download_manager_class=_RefusingManager) == cache


def test_a_damaged_download_is_refused_naming_the_file(mnist_dir, tmp_path):
  bad = 'train-labels-idx1-ubyte.gz'
  with pytest.raises(source_files.SourceFileError, match=bad):
    fetch_mnist.fetch(str(tmp_path / 'cache'),
                      download_manager_class=_copying_manager(mnist_dir, damage=bad))


def test_offline_without_a_cache_says_to_pass_mnist_dir(tmp_path):
  # A child with the network made unreachable for TFDS: its manager is replaced at import.
  code = ('import sys, tensorflow_datasets as tfds; from tests.test_fetch_mnist import '
          '_RefusingManager; tfds.download.DownloadManager = _RefusingManager; '
          'from tools import fetch_mnist; sys.exit(fetch_mnist.main(["x", sys.argv[1]]))')
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  result = subprocess.run([sys.executable, '-c', code, str(tmp_path / 'cache')], cwd=repo,
                          capture_output=True, text=True, check=False)
  assert result.returncode == 1
  assert 'make test MNIST_DIR=<folder>' in result.stderr and result.stdout == ''


def test_leaves_no_scratch_folder_behind(mnist_dir, tmp_path, monkeypatch):
  """The builder's data folder (only its registered URLs and sums are read) is removed."""
  scratch = tmp_path / 'tmp'
  scratch.mkdir()
  monkeypatch.setattr(fetch_mnist.tempfile, 'tempdir', str(scratch))
  cache = tmp_path / 'cache'
  shutil.copytree(mnist_dir, cache)
  assert fetch_mnist.fetch(str(cache)) == str(cache)
  assert [p.name for p in scratch.iterdir() if p.name.startswith('fetch_mnist-')] == []
