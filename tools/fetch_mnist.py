"""Finds or fetches the four original MNIST gz files for `make test`; prints their folder.

  python tools/fetch_mnist.py CACHE_DIR

When CACHE_DIR already holds the four files, intact by the SHA-256 sums tensorflow-datasets
registers for `mnist`, nothing touches the network. Otherwise TFDS's own download manager
fetches them (from the URLs and with the checksums its `mnist` builder registers) and they
are copied into CACHE_DIR under their original names, so the next call finds them. `make
test MNIST_DIR=...` never calls this: a given folder means offline.
"""
import os
import shutil
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tensorflow_datasets as tfds  # pylint: disable=wrong-import-position

from components.tfds_example_gen import source_files  # pylint: disable=wrong-import-position
from pipeline.mnist_download import check_reachable  # pylint: disable=wrong-import-position


def _builder(data_dir: str):
  # Only its registered URLs and sums are used; nothing is prepared in data_dir.
  return tfds.builder('mnist', data_dir=data_dir)


def cached(cache_dir: str, builder) -> bool:
  """True when `cache_dir` holds every registered file, intact."""
  try:
    source_files.verify_manual_dir(builder, cache_dir)
    return True
  except source_files.SourceFileError:
    return False


def fetch(cache_dir: str, builder=None, download_manager_class=None) -> str:
  """The folder of the verified files, downloading into `cache_dir` only when needed."""
  if builder is None:
    with tempfile.TemporaryDirectory(prefix='fetch_mnist-') as data_dir:
      return fetch(cache_dir, _builder(data_dir), download_manager_class)
  if cached(cache_dir, builder):
    return cache_dir
  if download_manager_class is None:
    check_reachable(builder.url_infos)  # fails in seconds offline; TFDS retries for minutes
  manager_class = download_manager_class or tfds.download.DownloadManager
  os.makedirs(cache_dir, exist_ok=True)
  with tempfile.TemporaryDirectory(dir=cache_dir, prefix='.download-') as scratch:
    manager = manager_class(download_dir=scratch)
    urls = {info.filename or os.path.basename(urllib.parse.urlparse(url).path): url
            for url, info in builder.url_infos.items()}
    paths = manager.download(urls)  # TFDS checks size and sha256 against its registry
    for name, path in paths.items():
      partial = os.path.join(cache_dir, f'.{name}.partial')
      shutil.copyfile(os.fspath(path), partial)
      os.replace(partial, os.path.join(cache_dir, name))  # never a half-written file
  source_files.verify_manual_dir(builder, cache_dir)  # raises naming a bad file
  return cache_dir


def main(argv) -> int:
  if len(argv) != 2:
    print(__doc__.strip(), file=sys.stderr)
    return 2
  cache_dir = os.path.abspath(argv[1])
  try:
    print(fetch(cache_dir))
  except Exception as e:  # pylint: disable=broad-except  (network, checksum, disk)
    print(f'Could not fetch the MNIST files into {cache_dir}: {e}\nOffline? Pass the folder '
          'holding the four original gz files: make test MNIST_DIR=<folder>', file=sys.stderr)
    return 1
  return 0


if __name__ == '__main__':
  sys.exit(main(sys.argv))
