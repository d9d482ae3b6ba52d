"""Versioned publication into a serving directory on an object store (gs:// on Vertex AI).

publish.py's local guarantees rest on an atomic folder rename and flock; an object store
has neither (a "folder rename" copies object by object, and there is no lock). What it has:
each object appears whole or not at all. So here:

1. the release is filled and inventoried in a local temporary folder (as locally);
2. its files are uploaded to `<serving_dir>/<version>/`, `manifest.json` last: a version
   folder without a manifest is an unfinished upload, and a failed one is removed;
3. `LATEST` is replaced last of all, in one object write.

Readers that follow LATEST (the generate CLI, apps) therefore only ever see complete
versions, and a failure leaves LATEST on the previous version.

No lock: two publishers into one serving directory at the same moment could pick the same
version number. On Vertex AI, runs of this pipeline must not overlap (its schedule is
created with max_concurrent_run_count=1, README.md "Operating"), so there is only one.
As a guard for manual runs, a version whose folder exists is skipped and LATEST is never
moved back to a smaller version; that narrows the window, it does not close it.
"""
import json
import os
import shutil
import tempfile
import uuid
from typing import Callable

import tensorflow as tf

from components import artifact_io
from components.versioned_pusher import publish as local_publish


def _free_version(serving_dir: str) -> str:
  version = local_publish.version_after(tf.io.gfile.listdir(serving_dir))
  while tf.io.gfile.exists(os.path.join(serving_dir, version)):
    version = str(int(version) + 1)
  return version


def _point_latest(serving_dir: str, version: str) -> None:
  latest = os.path.join(serving_dir, local_publish.LATEST)
  if tf.io.gfile.exists(latest):
    current = artifact_io.read_text(latest).strip()
    if current.isdigit() and int(current) > int(version):
      return  # a newer version was published meanwhile; LATEST stays on it
  # Written aside and renamed over LATEST: one object replaced in one step on GCS, and an
  # atomic replace on filesystems that have one.
  pointer = os.path.join(serving_dir, f'.{local_publish.LATEST}-{uuid.uuid4().hex}')
  artifact_io.write_text(pointer, version + '\n')
  tf.io.gfile.rename(pointer, latest, overwrite=True)


def publish(serving_dir: str, fill: Callable[[str], None], manifest: dict) -> str:
  """As publish.publish, for a serving directory given as a URI; returns the version's URI."""
  tf.io.gfile.makedirs(serving_dir)
  staging = tempfile.mkdtemp(prefix='versioned_pusher_')
  target = None
  try:
    fill(staging)
    manifest = dict(manifest, files=local_publish.file_inventory(staging))
    version = _free_version(serving_dir)
    manifest['version'] = version
    target = os.path.join(serving_dir, version)
    artifact_io.copy_tree(staging, target)
    artifact_io.write_text(os.path.join(target, local_publish.MANIFEST),
                           json.dumps(manifest, indent=2, sort_keys=True))
    _point_latest(serving_dir, version)
  except BaseException:
    if target:
      artifact_io.remove_tree(target)
    raise
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  return target
