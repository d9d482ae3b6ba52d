"""Reading a span folder: IDX pairs (gz or raw) and PNG digit folders; bad files named."""
import os

import numpy as np
from PIL import Image
import pytest

from components.span_example_gen import span_files
from formats import mnist_idx
from tests.support import idx

_RNG = np.random.default_rng(0)


def _images(n):
  return _RNG.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def _read_all(span_dir):
  pairs = []
  for source in span_files.find_sources(os.path.join(span_dir, '*')):
    pairs += list(span_files.read_source(source))
  return pairs


def _write_png(path, pixels, mode='L'):
  os.makedirs(os.path.dirname(path), exist_ok=True)
  Image.fromarray(pixels).convert(mode).save(path)


def test_idx_pairs_gz_and_raw_and_png_folders_are_read(tmp_path):
  gz_images, raw_images, png_images = _images(5), _images(3), _images(2)
  idx.write(str(tmp_path / 'a-images-idx3-ubyte.gz'), gz_images)
  idx.write(str(tmp_path / 'a-labels-idx1-ubyte.gz'), [0, 1, 2, 3, 9])
  idx.write(str(tmp_path / 'b-images-idx3-ubyte'), raw_images)
  idx.write(str(tmp_path / 'b-labels-idx1-ubyte'), [4, 5, 6])
  for i, pixels in enumerate(png_images):
    _write_png(str(tmp_path / '7' / f'{i}.png'), pixels)
  (tmp_path / '.DS_Store').write_bytes(b'ignored')

  pairs = _read_all(str(tmp_path))
  assert [label for _, label in pairs] == [0, 1, 2, 3, 9, 4, 5, 6, 7, 7]
  expected = np.concatenate([gz_images, raw_images, png_images])
  np.testing.assert_array_equal(np.stack([image for image, _ in pairs]), expected)
  assert all(image.dtype == np.uint8 and image.shape == (28, 28) for image, _ in pairs)


def _idx_bytes(magic, dims, payload):
  return bytes(magic) + np.asarray(dims, '>u4').tobytes() + payload


@pytest.mark.parametrize('images_file, labels, message', [
    # Wrong magic (a PNG renamed): the IDX reader names the file.
    (b'\x89PNG\r\n\x1a\n', [1], r'x-images-idx3-ubyte: not an IDX file'),
    # int32 elements instead of unsigned bytes.
    (_idx_bytes([0, 0, 0x0c, 3], [1, 28, 28], bytes(4 * 784)), [1],
     r'x-images-idx3-ubyte: IDX element type 0x0c'),
    # The header declares two images, the file holds one.
    (_idx_bytes([0, 0, 8, 3], [2, 28, 28], bytes(784)), [1, 2],
     r'x-images-idx3-ubyte: 800 bytes, but the header declares shape \(2, 28, 28\)'),
    # 32x32 images.
    (_idx_bytes([0, 0, 8, 3], [1, 32, 32], bytes(1024)), [1],
     r'x-images-idx3-ubyte: images of shape \(1, 32, 32\), expected \(N, 28, 28\)'),
    # Two images, three labels.
    (_idx_bytes([0, 0, 8, 3], [2, 28, 28], bytes(2 * 784)), [1, 2, 3],
     r'x-labels-idx1-ubyte: 3 labels for the 2 images of .*x-images-idx3-ubyte'),
    # A label outside 0..9.
    (_idx_bytes([0, 0, 8, 3], [2, 28, 28], bytes(2 * 784)), [3, 12],
     r'x-labels-idx1-ubyte: label 12 at index 1 \(1 labels outside 0\.\.9\)'),
])
def test_malformed_idx_files_fail_naming_the_file(tmp_path, images_file, labels, message):
  (tmp_path / 'x-images-idx3-ubyte').write_bytes(images_file)
  idx.write(str(tmp_path / 'x-labels-idx1-ubyte'), labels)
  with pytest.raises(ValueError, match=message) as raised:
    _read_all(str(tmp_path))
  assert isinstance(raised.value, (span_files.SpanFileError, mnist_idx.IdxFormatError))
  assert str(tmp_path) in str(raised.value)  # the full path, not only the name


def test_a_damaged_gzip_fails_naming_the_file(tmp_path):
  path = idx.write(str(tmp_path / 'x-images-idx3-ubyte.gz'), _images(2))
  with open(path, 'r+b') as f:
    f.truncate(100)
  idx.write(str(tmp_path / 'x-labels-idx1-ubyte.gz'), [1, 2])
  with pytest.raises(mnist_idx.IdxFormatError, match=r'x-images-idx3-ubyte\.gz: cannot read'):
    _read_all(str(tmp_path))


@pytest.mark.parametrize('write, message', [
    (lambda d: idx.write(os.path.join(d, 'x-images-idx3-ubyte.gz'), _images(1)),
     r'x-images-idx3-ubyte\.gz: IDX file without its labels file'),
    (lambda d: idx.write(os.path.join(d, 'x-labels-idx1-ubyte'), [1]),
     r'x-labels-idx1-ubyte: IDX file without its images file'),
    (lambda d: open(os.path.join(d, 'notes.txt'), 'w').close(), r'notes\.txt: not a span file'),
    (lambda d: os.makedirs(os.path.join(d, 'sevens')), r'sevens: folder not named after a digit'),
    (lambda d: _write_png(os.path.join(d, '3', 'big.png'), _images(1)[0].repeat(2, axis=0)),
     r'3/big\.png: 28x56 PNG in mode .L., expected 28x28 8-bit grayscale'),
    (lambda d: _write_png(os.path.join(d, '3', 'rgb.png'), _images(1)[0], mode='RGB'),
     r'3/rgb\.png: 28x28 PNG in mode .RGB.'),
    (lambda d: os.makedirs(os.path.join(d, '3')) or open(os.path.join(d, '3', 'a.jpg'), 'w').close(),
     r'3/a\.jpg: not a \.png file'),
])
def test_unknown_unpaired_or_misshapen_files_fail_naming_them(tmp_path, write, message):
  write(str(tmp_path))
  with pytest.raises(span_files.SpanFileError, match=message):
    _read_all(str(tmp_path))


def test_an_empty_span_is_an_error(tmp_path):
  with pytest.raises(span_files.SpanFileError, match='nothing to ingest'):
    span_files.find_sources(str(tmp_path / '*'))
