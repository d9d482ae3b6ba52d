"""formats.digests: the one SHA-256 helper of a file."""
import hashlib

from formats import digests


def test_file_sha256_matches_hashlib_across_chunk_boundaries(tmp_path):
  # Longer than one read chunk and not a multiple of it, so a dropped or repeated
  # chunk changes the digest.
  data = bytes(range(256)) * ((3 << 20) // 256 + 7)
  path = tmp_path / 'blob.bin'
  path.write_bytes(data)
  assert digests.file_sha256(str(path)) == hashlib.sha256(data).hexdigest()


def test_file_sha256_of_empty_file(tmp_path):
  path = tmp_path / 'empty'
  path.write_bytes(b'')
  assert digests.file_sha256(str(path)) == hashlib.sha256(b'').hexdigest()


def test_file_sha256_reads_through_the_given_opener(tmp_path):
  opened = []

  def opener(path, mode):
    opened.append((path, mode))
    return open(path, mode)

  path = tmp_path / 'f'
  path.write_bytes(b'abc')
  assert digests.file_sha256(str(path), opener=opener) == hashlib.sha256(b'abc').hexdigest()
  assert opened == [(str(path), 'rb')]
