"""Checks the files of a manual (offline) download before tensorflow-datasets reads them.

TFDS would otherwise try the network for a missing file, or fail deep inside its download
manager for a damaged one. Checking sizes and the SHA-256 sums TFDS registers for the
dataset gives an error that names the file, before anything is written.
"""
import os
from typing import List

import tensorflow as tf

from formats import digests


class SourceFileError(ValueError):
  """A source file of the dataset is missing, truncated or corrupt."""


def verify_manual_dir(builder, manual_dir: str) -> List[str]:
  """Raises SourceFileError unless every registered file of `builder` is intact.

  Returns the paths checked. Datasets that register no checksums are left to TFDS.
  """
  url_infos = builder.url_infos or {}
  expected = {info.filename or os.path.basename(url): info for url, info in url_infos.items()}
  checked = []
  for name, info in sorted(expected.items()):
    path = os.path.join(manual_dir, name)
    if not tf.io.gfile.exists(path):
      raise SourceFileError(
          f'{path}: missing. Offline ingest of {builder.name!r} needs these files in '
          f'{manual_dir}: {", ".join(sorted(expected))}.')
    size = tf.io.gfile.stat(path).length
    checksum = digests.file_sha256(path, opener=tf.io.gfile.GFile)
    if size != int(info.size) or checksum != info.checksum:
      raise SourceFileError(
          f'{path}: truncated or corrupt ({size} bytes, sha256 {checksum}); '
          f'tensorflow-datasets registers {int(info.size)} bytes, sha256 {info.checksum} '
          f'for {builder.name!r}.')
    checked.append(path)
  return checked
