"""Atomic, versioned publication of a folder tree into a serving directory.

Layout: <serving_dir>/<version>/ plus <serving_dir>/LATEST naming the newest version. The
version folder is assembled under a hidden temporary name in the same directory and renamed
into place, so readers never see a half-written version and a failure leaves none behind.
"""
import hashlib
import json
import os
import shutil
import time
import uuid
from typing import Callable, Dict

MANIFEST = 'manifest.json'
LATEST = 'LATEST'


def _sha256(path: str) -> str:
  digest = hashlib.sha256()
  with open(path, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''):
      digest.update(chunk)
  return digest.hexdigest()


def file_inventory(root: str) -> Dict[str, dict]:
  """Relative path -> size and SHA-256 of every file under `root`."""
  inventory = {}
  for folder, _, files in os.walk(root):
    for name in sorted(files):
      path = os.path.join(folder, name)
      inventory[os.path.relpath(path, root)] = {'bytes': os.path.getsize(path),
                                                'sha256': _sha256(path)}
  return dict(sorted(inventory.items()))


def new_version(serving_dir: str) -> str:
  """Seconds since the epoch, bumped past any existing version (as TFX's Pusher names them)."""
  version = int(time.time())
  existing = {int(v) for v in os.listdir(serving_dir) if v.isdigit()} if os.path.isdir(
      serving_dir) else set()
  while version in existing:
    version += 1
  return str(version)


def publish(serving_dir: str, fill: Callable[[str], None], manifest: dict) -> str:
  """Creates <serving_dir>/<version> atomically and points LATEST at it; returns its path.

  `fill(folder)` writes the content into the temporary folder; the manifest (with the
  inventory of what `fill` wrote) is added last.
  """
  os.makedirs(serving_dir, exist_ok=True)
  staging = os.path.join(serving_dir, f'.staging-{uuid.uuid4().hex}')
  os.makedirs(staging)
  try:
    fill(staging)
    manifest = dict(manifest, files=file_inventory(staging))
    version = new_version(serving_dir)
    manifest['version'] = version
    with open(os.path.join(staging, MANIFEST), 'w') as f:
      json.dump(manifest, f, indent=2, sort_keys=True)
    target = os.path.join(serving_dir, version)
    os.rename(staging, target)  # atomic on one filesystem
  except BaseException:
    shutil.rmtree(staging, ignore_errors=True)
    raise
  pointer = os.path.join(serving_dir, f'.{LATEST}-{uuid.uuid4().hex}')
  with open(pointer, 'w') as f:
    f.write(version + '\n')
  os.replace(pointer, os.path.join(serving_dir, LATEST))
  return target


def latest_version(serving_dir: str) -> str:
  """The path of the version LATEST names."""
  with open(os.path.join(serving_dir, LATEST)) as f:
    return os.path.join(serving_dir, f.read().strip())
