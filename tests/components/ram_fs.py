"""A stand-in for gs:// artifact URIs: TensorFlow's in-memory `ram://` filesystem.

Like gs://, `ram://` is reachable only through tf.io.gfile and has no atomic folder rename
(renaming a folder leaves its files behind), and it needs no network. The test runs in an
empty working directory that must stay empty: `os.makedirs('ram://x')` or `open('ram://x',
'w')` would not fail, they would silently write a local `ram:` folder.
"""
import os
import uuid

import pytest
import tensorflow as tf


@pytest.fixture
def ram_root(tmp_path, monkeypatch):
  """A fresh ram:// folder (the filesystem is per process, so names are unique)."""
  cwd = tmp_path / 'cwd'
  cwd.mkdir()
  monkeypatch.chdir(cwd)
  root = f'ram://{uuid.uuid4().hex}'
  yield root
  assert os.listdir(cwd) == [], 'a ram:// path was written with local file operations'
  if tf.io.gfile.exists(root):
    tf.io.gfile.rmtree(root)


def ram_files(root):
  """Relative paths of every file under the ram:// folder `root`."""
  return sorted(os.path.join(folder[len(root):].strip('/'), name)
                for folder, _, files in tf.io.gfile.walk(root) for name in files)
