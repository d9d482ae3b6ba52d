"""What the local and the object-store publisher share: the error both raise, the version
numbering, the manifest's file inventory and the name of a LATEST being written.

Its own module so that publish.py (which hands URIs to remote_publish.py) and
remote_publish.py both import it instead of each other. No TensorFlow here.
"""
import os
import time
from typing import Dict, Iterable, Optional

from formats import digests, release

POINTER_PREFIX = f'.{release.LATEST}-'  # a new LATEST being written, renamed over LATEST


class PublishError(OSError):
  """A publication failed; nothing was published and LATEST is unchanged."""


def publish_error(serving_dir: str, previous: Optional[str], cause: Exception) -> PublishError:
  message = (f'Publishing into {serving_dir} failed, nothing was published (LATEST still '
             f'names {previous or "no version"}): {type(cause).__name__}: {cause}')
  code = getattr(cause, 'errno', None)
  return PublishError(code, message) if code is not None else PublishError(message)


def file_inventory(root: str) -> Dict[str, dict]:
  """Relative path -> size and SHA-256 of every file under the local folder `root`."""
  inventory = {}
  for folder, _, files in os.walk(root):
    for name in sorted(files):
      path = os.path.join(folder, name)
      inventory[os.path.relpath(path, root)] = {'bytes': os.path.getsize(path),
                                                'sha256': digests.file_sha256(path)}
  return dict(sorted(inventory.items()))


def version_after(names: Iterable[str]) -> str:
  """The new version given the entries of a serving directory: seconds since the epoch (as
  TFX's Pusher names them), or past the newest version, so that even if the clock went back
  the newest version is also the largest number."""
  # Object stores list folders with a trailing '/'.
  existing = [int(v.rstrip('/')) for v in names if v.rstrip('/').isdigit()]
  return str(max([int(time.time())] + [v + 1 for v in existing]))
