"""Local scratch folders that a killed process cannot leave behind for ever.

A folder made with `owned_folder(parent, prefix)` is flocked by its creator for as long as
the creator works in it. The kernel drops an flock when its process dies, however it dies
(SIGKILL included), so "unlocked" means "its owner is gone": the next `owned_folder` call
with the same parent and prefix removes every such orphan before it creates its own. A
folder that a live process (or thread) is still filling stays locked and is left alone.

Creating-and-locking and cleaning never interleave: both happen while holding `turn_lock`,
an flock on a file shared by everyone using the parent. Without it a cleaner could find a
folder between its `mkdir` and its `flock` and remove it under its creator.

Local paths only (object stores have no flock). Must not import TensorFlow: publish.py uses
it, and a LiteRT-only client may import publish.py without TensorFlow.
"""
import contextlib
import fcntl
import os
import shutil
import tempfile
import uuid
from typing import Iterator, List


@contextlib.contextmanager
def _flocked(path: str) -> Iterator[None]:
  with open(path, 'a') as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    yield


def _try_lock_dir(path: str):
  """An fd holding an exclusive flock on folder `path`, or None if someone holds it."""
  try:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
  except (FileNotFoundError, NotADirectoryError):
    return None
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except BlockingIOError:
    os.close(fd)
    return None
  return fd


def remove_orphans(parent: str, prefix: str) -> List[str]:
  """Removes the folders `<parent>/<prefix>*` nobody holds; returns their paths.

  Call with the turn lock held (owned_folder does).
  """
  removed = []
  for name in sorted(os.listdir(parent)):
    path = os.path.join(parent, name)
    if not name.startswith(prefix) or not os.path.isdir(path) or os.path.islink(path):
      continue
    fd = _try_lock_dir(path)
    if fd is None:
      continue  # a live owner is filling it
    try:
      shutil.rmtree(path, ignore_errors=True)
    finally:
      os.close(fd)
    removed.append(path)
  return removed


@contextlib.contextmanager
def owned_folder(parent: str, prefix: str, turn_lock: str) -> Iterator[str]:
  """Yields a new folder `<parent>/<prefix><uuid>`, flocked by this process until the end.

  Orphans of the same prefix are removed first. The folder itself is not removed at the
  end: the caller renames it into place or removes it; a kill leaves it to the next call.
  """
  os.makedirs(parent, exist_ok=True)
  with _flocked(turn_lock):
    remove_orphans(parent, prefix)
    path = os.path.join(parent, f'{prefix}{uuid.uuid4().hex}')
    os.mkdir(path)
    fd = _try_lock_dir(path)  # nobody else can have it: we hold the turn lock
  try:
    yield path
  finally:
    os.close(fd)  # releases the flock (the fd is not inherited by child processes)


def user_tmp(name: str) -> str:
  """`<system temp>/<name>-<uid>`: a per-user parent for owned folders (the system temp
  folder is shared by every user, and one user's lock files are not writable by another)."""
  path = os.path.join(tempfile.gettempdir(), f'{name}-{os.getuid()}')
  os.makedirs(path, mode=0o700, exist_ok=True)
  return path
