"""SHA-256 of a file, read in chunks, the one digest the project records and checks.

Used to check the MNIST source files against the sums tensorflow-datasets registers and
to write a release manifest's inventory. Reading in 1 MiB chunks keeps memory flat for
SavedModel variables and TFLite files of any size.
"""
import hashlib
from typing import BinaryIO, Callable

_CHUNK_BYTES = 1 << 20


def file_sha256(path: str, opener: Callable[[str, str], BinaryIO] = open) -> str:
  """The hex SHA-256 of the file at `path`.

  `opener(path, 'rb')` opens it: the builtin `open` for local files; a caller that reads
  other filesystems passes its own (e.g. `tf.io.gfile.GFile`), which keeps this module
  free of TensorFlow.
  """
  digest = hashlib.sha256()
  with opener(path, 'rb') as f:
    for chunk in iter(lambda: f.read(_CHUNK_BYTES), b''):
      digest.update(chunk)
  return digest.hexdigest()
