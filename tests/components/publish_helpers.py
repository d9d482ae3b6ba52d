"""Helpers of the publication tests (local and remote serving directories)."""
import errno
import os


def fill_with(files):
  """A `fill(folder)` for publish.publish writing `files` (relative path -> text)."""
  def fill(folder):
    assert '://' not in folder  # publish hands fill a local folder, whatever the target
    for name, content in files.items():
      path = os.path.join(folder, name)
      os.makedirs(os.path.dirname(path), exist_ok=True)
      with open(path, 'w') as f:
        f.write(content)
  return fill


def no_space(path):
  """The error a full disk gives when writing `path`."""
  return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


def fail_copy_of_second_file(monkeypatch):
  """tf.io.gfile.copy copies one file, then the disk is full."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top  (fill_with needs no TF)
  real_copy, copied = tf.io.gfile.copy, []

  def copy(src, dst, overwrite=False):
    if copied:
      raise no_space(dst)
    real_copy(src, dst, overwrite)
    copied.append(dst)
  monkeypatch.setattr(tf.io.gfile, 'copy', copy)
