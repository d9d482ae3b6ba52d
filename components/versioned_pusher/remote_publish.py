"""Versioned publication into a serving directory on an object store (gs:// on Vertex AI).

publish.py's local guarantees rest on an atomic folder rename and flock; an object store
has neither (a "folder rename" copies object by object, and there is no lock). What it has:
each object appears whole or not at all. So here:

1. the release is filled and inventoried in a local temporary folder (as locally), and
   `describe` writes the release page into it there;
2. its files are uploaded to `<serving_dir>/<version>/`, `manifest.json` last: a version
   folder without a manifest is an unfinished upload, and a failed one is removed;
3. `LATEST` is replaced last of all, in one object write; then `list_versions` rewrites
   the serving folder's listing (a failure there leaves the old listing, not a failure).

Readers that follow LATEST (the generate CLI, apps) therefore only ever see complete
versions, and a failure leaves LATEST on the previous version.

Faults (docs/faults.md). Before anything of a version is uploaded, `.uploading-<version>`
records when its upload started; it is removed once LATEST was moved. A publisher killed
mid-upload leaves a version folder without manifest plus its record: every publish first
removes such versions (and their records) once the record is older than
STALE_UPLOAD_SECONDS, far longer than an upload takes, so a concurrent live upload is never
touched. The same age rule removes pointer files of a kill between writing the new LATEST
and renaming it. The local staging folder is an owned folder (components/scratch_dirs.py)
that the next publish on this machine removes if its publisher was killed. Failures raise
publish_shared.PublishError naming the serving directory.

No lock: two publishers into one serving directory at the same moment could pick the same
version number. On Vertex AI, runs of this pipeline must not overlap (its schedule is
created with max_concurrent_run_count=1, docs/operating.md), so there is only one.
As a guard for manual runs, a version whose folder exists is skipped and LATEST is never
moved back to a smaller version; that narrows the window, it does not close it.
"""
import json
import logging
import os
import shutil
import time
import uuid
from typing import Callable, List, Optional

import tensorflow as tf

from components import artifact_io
from components import scratch_dirs
from components.versioned_pusher import publish_shared
from formats import release

UPLOAD_RECORD_PREFIX = '.uploading-'  # + version; holds the upload's start time
POINTER_PREFIX = publish_shared.POINTER_PREFIX  # + start time in ns + '-' + uuid
# An upload is a few files of a few MB; one unfinished after an hour was killed.
STALE_UPLOAD_SECONDS = 3600.0
_LOCAL_STAGING_PREFIX = 'staging-'


def _names(serving_dir: str) -> List[str]:
  return artifact_io.list_names(serving_dir)


def _started(record: str) -> float:
  try:
    return float(artifact_io.read_text(record).strip())
  except (ValueError, tf.errors.OpError):
    return 0.0  # unreadable: treat as old, the version it guards is removed only if unfinished


def remove_stale_uploads(serving_dir: str) -> List[str]:
  """Removes what publishers killed long ago left behind; returns the removed URIs.

  Unfinished versions (no manifest) whose upload record is older than STALE_UPLOAD_SECONDS,
  unfinished versions without a record (left by code from before records existed: a live
  publisher writes its record before anything else), stale records and stale pointers.
  """
  now, removed = time.time(), []
  names = _names(serving_dir)
  records = {n[len(UPLOAD_RECORD_PREFIX):]: n for n in names
             if n.startswith(UPLOAD_RECORD_PREFIX)}
  for name in names:
    path = os.path.join(serving_dir, name)
    if name.isdigit() and not tf.io.gfile.exists(os.path.join(path, release.MANIFEST)):
      record = records.get(name)
      if record is None or now - _started(os.path.join(serving_dir, record)) > \
          STALE_UPLOAD_SECONDS:
        artifact_io.remove_tree(path)
        removed.append(path)
    elif name.startswith(POINTER_PREFIX):
      stamp = name[len(POINTER_PREFIX):].split('-')[0]
      if not stamp.isdigit() or now - int(stamp) / 1e9 > STALE_UPLOAD_SECONDS:
        _remove_file(path)
        removed.append(path)
  for version, record in records.items():
    path = os.path.join(serving_dir, record)
    if now - _started(path) > STALE_UPLOAD_SECONDS:  # its version was removed or finished
      _remove_file(path)
      removed.append(path)
  return removed


def _remove_file(path: str) -> None:
  try:
    tf.io.gfile.remove(path)
  except tf.errors.OpError:
    pass  # best effort: a concurrent cleaner got it first


def _free_version(serving_dir: str) -> str:
  version = publish_shared.version_after(tf.io.gfile.listdir(serving_dir))
  # A version is taken once its folder or its upload record exists.
  while (tf.io.gfile.exists(os.path.join(serving_dir, version)) or
         tf.io.gfile.exists(os.path.join(serving_dir, UPLOAD_RECORD_PREFIX + version))):
    version = str(int(version) + 1)
  return version


def _point_latest(serving_dir: str, version: str) -> None:
  latest = os.path.join(serving_dir, release.LATEST)
  if tf.io.gfile.exists(latest):
    current = artifact_io.read_text(latest).strip()
    if current.isdigit() and int(current) > int(version):
      return  # a newer version was published meanwhile; LATEST stays on it
  # Written aside and renamed over LATEST: one object replaced in one step on GCS, and an
  # atomic replace on filesystems that have one.
  pointer = os.path.join(serving_dir, f'{POINTER_PREFIX}{time.time_ns()}-{uuid.uuid4().hex}')
  try:
    artifact_io.write_text(pointer, version + '\n')
    tf.io.gfile.rename(pointer, latest, overwrite=True)
  finally:
    if tf.io.gfile.exists(pointer):
      _remove_file(pointer)


def publish(serving_dir: str, fill: Callable[[str], None], manifest: dict,
            describe: Optional[Callable[[str, dict], None]] = None,
            list_versions: Optional[Callable[[str], None]] = None,
            stamp: Optional[Callable[[str, str], None]] = None) -> str:
  """As publish.publish, for a serving directory given as a URI; returns the version's URI.

  `describe(folder, manifest)` gets the local folder that is uploaded, `list_versions` the
  serving directory's URI."""
  try:
    tf.io.gfile.makedirs(serving_dir)
    remove_stale_uploads(serving_dir)
    parent = scratch_dirs.user_tmp('versioned_pusher')
    with scratch_dirs.owned_folder(parent, _LOCAL_STAGING_PREFIX,
                                   os.path.join(parent, '.lock')) as staging:
      try:
        target = _upload(serving_dir, staging, fill, manifest, describe, stamp)
      finally:
        shutil.rmtree(staging, ignore_errors=True)
  except Exception as e:  # pylint: disable=broad-except
    raise publish_shared.publish_error(serving_dir, _current(serving_dir), e) from e
  if list_versions:
    # The release is out: a listing that fails to update leaves the old one, not a failure.
    try:
      list_versions(serving_dir)
    except Exception as e:  # pylint: disable=broad-except
      logging.warning('Published %s, but the listing of %s was not updated: %s: %s',
                      os.path.basename(target), serving_dir, type(e).__name__, e)
  return target


def _current(serving_dir: str):
  try:
    return artifact_io.read_text(os.path.join(serving_dir, release.LATEST)).strip()
  except Exception:  # pylint: disable=broad-except  # only used in the error message
    return None


def _upload(serving_dir: str, staging: str, fill, manifest: dict, describe, stamp) -> str:
  fill(staging)
  version = _free_version(serving_dir)
  record = os.path.join(serving_dir, UPLOAD_RECORD_PREFIX + version)
  target = os.path.join(serving_dir, version)
  artifact_io.write_text(record, f'{time.time()}\n')  # first: marks the version as taken
  try:
    if stamp is not None:
      stamp(staging, version)
    manifest = dict(manifest, files=publish_shared.file_inventory(staging), version=version)
    if describe:  # as locally: after the inventory, so the manifest lists the models only
      describe(staging, manifest)
    artifact_io.copy_tree(staging, target)
    artifact_io.write_text(os.path.join(target, release.MANIFEST),
                           json.dumps(manifest, indent=2, sort_keys=True))
    _point_latest(serving_dir, version)
  except BaseException:
    artifact_io.remove_tree(target)  # before its record: never a version without either
    _remove_file(record)
    raise
  _remove_file(record)
  return target
