"""Reads MNIST-style IDX files (train-images-idx3-ubyte.gz, ...) into numpy arrays.

Used by tests, benchmarks, the sample-quality tools and SpanExampleGen (new data arriving
as IDX files), so `read_idx` checks the header against the file and names the file in
every error rather than returning a silently misshapen array. Local files are read with
`open`; a caller reading other filesystems (gs:// spans) passes its own opener, which keeps
this module free of TensorFlow.
"""
import gzip
import os
from typing import BinaryIO, Callable

import numpy as np

FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}
ALL_FILES = tuple(name for pair in FILES.values() for name in pair)

_UNSIGNED_BYTE = 0x08  # the only IDX element type MNIST-style data uses


class IdxFormatError(ValueError):
  """The file is not a well-formed unsigned-byte IDX file."""


Opener = Callable[[str, str], BinaryIO]


def unreadable(path: str, cause: Exception) -> IdxFormatError:
  """The error for a file that cannot be read at all (I/O error, damaged gzip)."""
  return IdxFormatError(f'{path}: cannot read ({cause})')


def _raw_bytes(path: str, opener: Opener) -> bytes:
  """The file's bytes, gunzipped when its name ends in .gz."""
  try:
    with opener(path, 'rb') as f:
      if path.endswith('.gz'):
        with gzip.GzipFile(fileobj=f) as unzipped:
          return unzipped.read()
      return f.read()
  except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
    raise unreadable(path, e) from e


def read_idx(path: str, opener: Opener = open) -> np.ndarray:
  """Returns the uint8 array an IDX file holds (gz or raw), its shape from the header.

  `opener(path, 'rb')` opens the file (builtin `open` by default). Raises IdxFormatError
  naming `path` for an unreadable file, a wrong magic number, an element type other than
  unsigned byte, or a length that does not match the header's dimensions.
  """
  data = _raw_bytes(path, opener)
  if len(data) < 4 or data[:2] != b'\0\0':
    raise IdxFormatError(f'{path}: not an IDX file (magic number {data[:4].hex() or "empty"}, '
                         f'expected 0000080N)')
  if data[2] != _UNSIGNED_BYTE:
    raise IdxFormatError(f'{path}: IDX element type 0x{data[2]:02x}, only unsigned byte '
                         f'(0x08) is supported')
  ndim = data[3]
  header_size = 4 + 4 * ndim
  if len(data) < header_size:
    raise IdxFormatError(f'{path}: header truncated ({len(data)} bytes for {ndim} dimensions)')
  dims = tuple(int(d) for d in np.frombuffer(data, '>u4', count=ndim, offset=4))
  expected = header_size + int(np.prod(dims, dtype=np.int64))
  if len(data) != expected:
    raise IdxFormatError(f'{path}: {len(data)} bytes, but the header declares shape {dims} '
                         f'({expected} bytes)')
  return np.frombuffer(data, np.uint8, offset=header_size).reshape(dims)


def load(mnist_dir, split='train', limit=None):
  """Returns (images uint8 [N, 28, 28], labels int64 [N]) of 'train' or 'test'."""
  image_file, label_file = FILES[split]
  images = read_idx(os.path.join(mnist_dir, image_file))
  labels = read_idx(os.path.join(mnist_dir, label_file)).astype(np.int64)
  if limit is not None:
    images, labels = images[:limit], labels[:limit]
  return images, labels
