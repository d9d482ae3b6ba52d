"""File operations on artifact URIs and serving folders, on any filesystem TF can reach.

On Kubeflow V2 / Vertex AI every artifact URI and the serving folder are `gs://` paths,
which `os`, `open` and `shutil` cannot touch. Components do their scratch work in a local
temporary folder and move results with these helpers (tf.io.gfile, so `gs://`, `ram://`,
`hdfs://` and local paths all work).
"""
import os

import tensorflow as tf

_gfile = tf.io.gfile


def is_local(path: str) -> bool:
  """True for a plain local path, where os-level guarantees (rename, flock) hold."""
  return '://' not in path


def copy_tree(source: str, target: str) -> None:
  """Copies every file under `source` to the same relative path under `target`.

  `target` must not hold any of the files yet (no silent overwrite).
  """
  if not _gfile.isdir(source):
    raise FileNotFoundError(f'No folder to copy at {source}')
  source = source.rstrip('/')
  for folder, _, files in _gfile.walk(source):
    # Object stores list sub-folders with a trailing '/'; compute the path by hand.
    relative = folder.rstrip('/')[len(source):].strip('/')
    destination = os.path.join(target, relative) if relative else target
    _gfile.makedirs(destination)
    for name in files:
      _gfile.copy(os.path.join(folder, name), os.path.join(destination, name))


def list_names(folder: str) -> list:
  """The names in `folder`, without the trailing '/' object stores give sub-folders."""
  return [name.rstrip('/') for name in _gfile.listdir(folder)]


def is_file(path: str) -> bool:
  return _gfile.exists(path) and not _gfile.isdir(path)


def read_text(path: str) -> str:
  with _gfile.GFile(path, 'r') as f:
    return f.read()


def write_text(path: str, text: str) -> None:
  """Writes the file in one piece; on object stores it appears whole or not at all."""
  _gfile.makedirs(os.path.dirname(path))
  with _gfile.GFile(path, 'w') as f:
    f.write(text)


def remove_tree(path: str) -> None:
  """Best-effort cleanup after a failure: never raises, so the first error stays visible."""
  try:
    if _gfile.exists(path):
      _gfile.rmtree(path)
  except Exception:  # pylint: disable=broad-except
    pass
