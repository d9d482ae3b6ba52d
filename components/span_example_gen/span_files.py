"""What a span folder holds, and reading it as (28x28 uint8 image, digit label) pairs.

A span folder (`<incoming_dir>/span-N/`) holds any mix of
  - IDX pairs, the MNIST file layout: `<name>images-idx3-ubyte[.gz]` beside
    `<name>labels-idx1-ubyte[.gz]`, gzipped or raw;
  - PNG folders `0/` ... `9/`, each holding 8-bit grayscale 28x28 `*.png` images of that
    digit, ink 255 on background 0 as in MNIST.
Anything else is an error rather than skipped: a misnamed file would otherwise drop out of
training unnoticed. Every error names the file.
"""
import os
import re
from typing import Iterator, List, NamedTuple, Optional, Tuple

import numpy as np
from PIL import Image
import tensorflow as tf

from formats import examples
from formats import mnist_idx

_IDX_IMAGES = re.compile(r'^(?P<name>.*)images-idx3-ubyte(\.gz)?$')
_IDX_LABELS = re.compile(r'^(?P<name>.*)labels-idx1-ubyte(\.gz)?$')
_DIGIT_FOLDERS = {str(digit): digit for digit in range(examples.NUM_CLASSES)}


class SpanFileError(ValueError):
  """A file of a span cannot become examples (unknown, unpaired or malformed)."""


class Source(NamedTuple):
  """One unit of reading: an IDX pair (label None) or one digit's PNG folder."""
  kind: str  # a key of _READERS
  paths: Tuple[str, ...]
  label: Optional[int] = None


def _idx_pairs(files: List[str]) -> List[Source]:
  images, labels = {}, {}
  for path in files:
    base = os.path.basename(path)
    for pattern, found in ((_IDX_IMAGES, images), (_IDX_LABELS, labels)):
      match = pattern.match(base)
      if match:
        found[os.path.join(os.path.dirname(path), match['name'])] = path
        break
    else:
      raise SpanFileError(f'{path}: not a span file. A span holds IDX pairs '
                          '(<name>images-idx3-ubyte[.gz] + <name>labels-idx1-ubyte[.gz]) '
                          'and PNG folders 0/ ... 9/.')
  for name in sorted(images.keys() ^ labels.keys()):
    lone = images.get(name) or labels.get(name)
    raise SpanFileError(f'{lone}: IDX file without its '
                        f'{"labels" if name in images else "images"} file')
  return [Source('idx', (images[name], labels[name])) for name in sorted(images)]


def find_sources(pattern: str) -> List[Source]:
  """The IDX pairs and PNG folders matched by `pattern` (e.g. `<incoming>/span-2/*`)."""
  entries = sorted(p for p in tf.io.gfile.glob(pattern) if not os.path.basename(p).startswith('.'))
  folders = [p for p in entries if tf.io.gfile.isdir(p)]
  for folder in folders:
    if os.path.basename(folder.rstrip('/')) not in _DIGIT_FOLDERS:
      raise SpanFileError(f'{folder}: folder not named after a digit (0 ... 9)')
  sources = _idx_pairs([p for p in entries if p not in folders])
  sources += [Source('png', (folder,), _DIGIT_FOLDERS[os.path.basename(folder.rstrip('/'))])
              for folder in folders]
  if not sources:
    raise SpanFileError(f'{pattern}: nothing to ingest')
  return sources


def _read_idx(path: str) -> np.ndarray:
  """mnist_idx.read_idx through tf.io.gfile, so spans may live on gs://."""
  try:
    return mnist_idx.read_idx(path, opener=tf.io.gfile.GFile)
  except tf.errors.OpError as e:  # gfile's I/O errors are not OSErrors
    raise mnist_idx.unreadable(path, e) from e


def _read_idx_pair(source: Source) -> Iterator[Tuple[np.ndarray, int]]:
  images_path, labels_path = source.paths
  images, labels = _read_idx(images_path), _read_idx(labels_path)
  if images.ndim != 3 or images.shape[1:] != examples.IMAGE_SHAPE:
    raise SpanFileError(f'{images_path}: images of shape {images.shape}, expected '
                        f'(N, {", ".join(map(str, examples.IMAGE_SHAPE))})')
  if labels.ndim != 1:
    raise SpanFileError(f'{labels_path}: labels of shape {labels.shape}, expected (N,)')
  if len(labels) != len(images):
    raise SpanFileError(f'{labels_path}: {len(labels)} labels for the {len(images)} images '
                        f'of {images_path}')
  bad = np.flatnonzero(labels >= examples.NUM_CLASSES)
  if bad.size:
    raise SpanFileError(f'{labels_path}: label {labels[bad[0]]} at index {bad[0]} '
                        f'({bad.size} labels outside 0..{examples.NUM_CLASSES - 1})')
  yield from zip(images, labels.astype(int))


def _read_png_folder(source: Source) -> Iterator[Tuple[np.ndarray, int]]:
  [folder] = source.paths
  for path in sorted(tf.io.gfile.glob(os.path.join(folder, '*'))):
    if os.path.basename(path).startswith('.'):
      continue
    if not path.lower().endswith('.png'):
      raise SpanFileError(f'{path}: not a .png file in a digit folder')
    try:
      with tf.io.gfile.GFile(path, 'rb') as f, Image.open(f) as image:
        image.load()
    except (OSError, SyntaxError) as e:  # PIL's errors for unreadable images
      raise SpanFileError(f'{path}: cannot read as PNG ({e})') from e
    if image.mode != 'L' or image.size != examples.IMAGE_SHAPE[::-1]:
      raise SpanFileError(f'{path}: {image.size[0]}x{image.size[1]} PNG in mode {image.mode!r}, '
                          'expected 28x28 8-bit grayscale (mode L)')
    yield np.asarray(image, np.uint8), source.label


_READERS = {'idx': _read_idx_pair, 'png': _read_png_folder}


def read_source(source: Source) -> Iterator[Tuple[np.ndarray, int]]:
  """(image uint8 [28, 28], label) pairs of one source; SpanFileError names a bad file."""
  return _READERS[source.kind](source)
