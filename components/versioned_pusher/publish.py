"""Atomic, versioned publication of a folder tree into a serving directory.

Layout: <serving_dir>/<version>/ plus <serving_dir>/LATEST naming the newest version. The
version folder is assembled under a hidden temporary name in the same directory and renamed
into place, so readers never see a half-written version and a failure leaves none behind.
Publishers on one machine take turns (an flock on <serving_dir>/.publish.lock) to pick the
version, rename and move LATEST, so two concurrent pushes get distinct versions and LATEST
never moves back to an older one.

Faults (docs/faults.md): the staging folder is flocked by its publisher while it is filled
(components/scratch_dirs.py), so a publisher killed mid-fill leaves an unlocked folder
that the next publish removes, while a live one's is left alone. A failure at any step
(full disk, I/O error) removes what this publish wrote, leaves LATEST where it was and
raises PublishError naming the serving directory.

That is for a local serving directory. Object stores (gs://) have neither an atomic folder
rename nor flock: a serving directory given as a URI is published by remote_publish.py.
This module must not import TensorFlow: a LiteRT-only client can publish or read with it.
The layout (LATEST, manifest.json, version folders) is formats/release.py's.
"""
import contextlib
import fcntl
import glob
import json
import logging
import os
import shutil
import uuid
from typing import Callable, Optional

from components import scratch_dirs
from components.versioned_pusher.publish_shared import (POINTER_PREFIX, PublishError,
                                                        file_inventory, publish_error,
                                                        version_after)
from formats.release import LATEST, MANIFEST, latest_version

# Re-exported names: callers and tests use publish.<name> for the whole publishing API.
__all__ = ['LATEST', 'MANIFEST', 'POINTER_PREFIX', 'PublishError', 'file_inventory',
           'latest_version', 'new_version', 'publish', 'publish_error', 'version_after']

LOCK_FILE = '.publish.lock'  # held while a version is moved into place
STAGING_PREFIX = '.staging-'  # a version being assembled


def new_version(serving_dir: str) -> str:
  """Seconds since the epoch (as TFX's Pusher names them), or past the newest version.

  Always above every existing version, even if the clock went back, so the newest
  version is also the largest number.
  """
  return version_after(os.listdir(serving_dir) if os.path.isdir(serving_dir) else [])


@contextlib.contextmanager
def _publishing_turn(serving_dir: str):
  # Only the short rename-and-point step is serialized; filling runs concurrently.
  with open(os.path.join(serving_dir, LOCK_FILE), 'a') as lock_file:
    fcntl.flock(lock_file, fcntl.LOCK_EX)
    yield


def _current(serving_dir: str) -> Optional[str]:
  try:
    with open(os.path.join(serving_dir, LATEST)) as f:
      return f.read().strip()
  except OSError:  # none yet, or unreadable: only used in messages
    return None


def _point_latest(serving_dir: str, version: str) -> None:
  """Replaces LATEST in one rename; a failure leaves LATEST and no pointer file behind."""
  pointer = os.path.join(serving_dir, f'{POINTER_PREFIX}{uuid.uuid4().hex}')
  try:
    with open(pointer, 'w') as f:
      f.write(version + '\n')
      f.flush()
      os.fsync(f.fileno())  # LATEST must never name a version with an empty pointer
    os.replace(pointer, os.path.join(serving_dir, LATEST))
  except BaseException:
    with contextlib.suppress(OSError):
      os.remove(pointer)
    raise


def _remove_stale_pointers(serving_dir: str) -> None:
  # Pointers are only written during a publishing turn: one found while holding the turn
  # was left by a publisher killed between writing it and renaming it over LATEST.
  for path in glob.glob(os.path.join(glob.escape(serving_dir), POINTER_PREFIX + '*')):
    with contextlib.suppress(OSError):
      os.remove(path)


def publish(serving_dir: str, fill: Callable[[str], None], manifest: dict,
            describe: Optional[Callable[[str, dict], None]] = None,
            list_versions: Optional[Callable[[str], None]] = None,
            stamp: Optional[Callable[[str, str], None]] = None) -> str:
  """Creates <serving_dir>/<version> atomically and points LATEST at it; returns its path.

  `fill(folder)` writes the content into the temporary folder; `stamp(folder, version)`,
  if given, then writes the version chosen for it into the content (the .tflite files'
  metadata); the manifest (with the inventory of the folder as stamped) is added last.
  `fill` and `stamp` always get a local folder.
  `describe(folder, manifest)`, if given, then writes into the still hidden folder what
  needs the version (the release page); `list_versions(serving_dir)`, once LATEST moved,
  rewrites what lists the versions. Stamp, describe and list_versions run in the
  publishing turn.
  Raises PublishError (an OSError) naming `serving_dir` when any step fails.
  """
  if '://' in serving_dir:  # = not artifact_io.is_local, which would import TensorFlow
    from components.versioned_pusher import remote_publish  # pylint: disable=g-import-not-at-top
    return remote_publish.publish(serving_dir, fill, manifest, describe=describe,
                                  list_versions=list_versions, stamp=stamp)
  os.makedirs(serving_dir, exist_ok=True)
  try:
    # Orphans of killed publishers are removed here; live publishers' folders stay.
    with scratch_dirs.owned_folder(serving_dir, STAGING_PREFIX,
                                   os.path.join(serving_dir, LOCK_FILE)) as staging:
      try:
        return _move_into_place(serving_dir, staging, fill, manifest, describe, list_versions,
                                stamp)
      except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
  except Exception as e:  # not KeyboardInterrupt/SystemExit: those stay what they are
    raise publish_error(serving_dir, _current(serving_dir), e) from e


def _move_into_place(serving_dir: str, staging: str, fill, manifest: dict, describe=None,
                     list_versions=None, stamp=None) -> str:
  fill(staging)
  with _publishing_turn(serving_dir):
    _remove_stale_pointers(serving_dir)
    version = new_version(serving_dir)
    if stamp is not None:  # the version is only known inside the turn, so stamp here
      stamp(staging, version)
    manifest = dict(manifest, files=file_inventory(staging), version=version)
    with open(os.path.join(staging, MANIFEST), 'w') as f:
      json.dump(manifest, f, indent=2, sort_keys=True)
    if describe:
      describe(staging, manifest)
    target = os.path.join(serving_dir, version)
    os.rename(staging, target)  # atomic on one filesystem
    try:
      _point_latest(serving_dir, version)
    except BaseException:
      # LATEST never named it, so no reader followed it there: take it back out.
      shutil.rmtree(target, ignore_errors=True)
      raise
    if list_versions:
      # The release is out: a listing that fails to update leaves the old one, not a failure.
      try:
        list_versions(serving_dir)
      except Exception as e:  # pylint: disable=broad-except
        logging.warning('Published %s, but the listing of %s was not updated: %s: %s',
                        version, serving_dir, type(e).__name__, e)
  return target

