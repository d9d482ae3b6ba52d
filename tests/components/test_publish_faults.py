"""Faults during a local push: a killed publisher, a full disk, an I/O error.

Whatever happens, the serving directory afterwards holds only complete versions, LATEST
names one of them (the previous one after a failure), and no staging folder or pointer
file outlives its publisher. Kills are real SIGKILLs of a child process
(tests/support/killable_publish.py).
"""
import errno
import os
import threading

import pytest
import tensorflow as tf

from components import artifact_io
from components.versioned_pusher import publish
from tests.components.publish_helpers import fail_copy_of_second_file, fill_with, no_space
from tests.support import kill

# On-disk names (also what a publisher of an older version of this code left behind).
_STAGING, _POINTER = '.staging-', '.LATEST-'


def _entries(serving):
  return sorted(n for n in os.listdir(serving) if n != publish.LOCK_FILE)


def _kill_publisher_at(point, serving, tmp_path):
  ready = tmp_path / f'ready-{point}'
  proc = kill.start(['-m', 'tests.support.killable_publish', serving, point, str(ready)],
                    str(tmp_path / f'publisher-{point}.log'))
  kill.kill_when(proc, ready.exists, timeout_s=60)


@pytest.mark.parametrize('point', ['fill', 'latest'])
def test_publish_after_a_killed_publisher_leaves_nothing_half_written(point, tmp_path):
  serving = str(tmp_path / 'serving')
  good = os.path.basename(publish.publish(serving, fill_with({'f': '1'}), {}))
  _kill_publisher_at(point, serving, tmp_path)
  left = [n for n in _entries(serving) if n not in (good, publish.LATEST)]
  if point == 'fill':  # what the kill left: a half-filled staging folder
    assert len(left) == 1 and left[0].startswith(_STAGING), left
    assert sorted(os.listdir(os.path.join(serving, left[0]))) == ['a.bin']
  else:  # a complete version LATEST never named, and the unrenamed pointer
    pointers = [n for n in left if n.startswith(_POINTER)]
    versions = [n for n in left if n.isdigit()]
    assert len(pointers) == 1 and len(versions) == 1 and len(left) == 2, left
    assert os.path.exists(os.path.join(serving, versions[0], publish.MANIFEST))
  assert publish.latest_version(serving) == os.path.join(serving, good)

  rerun = os.path.basename(publish.publish(serving, fill_with({'f': '2'}), {}))
  assert publish.latest_version(serving) == os.path.join(serving, rerun)
  entries = _entries(serving)
  assert not [n for n in entries if n.startswith('.')], entries  # no staging, no pointer
  for name in entries:  # every folder left is a complete version, with its manifest
    if name != publish.LATEST:
      assert os.path.exists(os.path.join(serving, name, publish.MANIFEST)), name


def test_a_live_publishers_staging_folder_is_left_alone(tmp_path):
  serving = str(tmp_path / 'serving')
  filling, release = threading.Event(), threading.Event()
  results, errors = [], []

  def slow_fill(folder):
    fill_with({'slow': 'a'})(folder)
    filling.set()
    release.wait(timeout=60)

  def slow_publisher():
    try:
      results.append(publish.publish(serving, slow_fill, {}))
    except Exception as e:  # pylint: disable=broad-except
      errors.append(e)

  thread = threading.Thread(target=slow_publisher)
  thread.start()
  try:
    assert filling.wait(timeout=60)
    quick = publish.publish(serving, fill_with({'quick': 'b'}), {})  # cleans orphans first
    staging = [n for n in os.listdir(serving) if n.startswith(_STAGING)]
    assert len(staging) == 1, 'the live publisher\'s staging folder was removed'
  finally:
    release.set()
    thread.join()
  assert not errors
  assert artifact_io.read_text(os.path.join(results[0], 'slow')) == 'a'
  assert publish.latest_version(serving) == results[0]
  assert os.path.exists(os.path.join(quick, 'quick'))


@pytest.mark.parametrize('stage', ['copy', 'manifest', 'latest'])
def test_full_disk_during_the_push_keeps_the_previous_release(stage, tmp_path, monkeypatch):
  serving = str(tmp_path / 'serving')
  good = publish.publish(serving, fill_with({'f': '1'}), {})
  source = tmp_path / 'release'
  for name in ('saved_model.pb', 'variables/v.data', 'tflite/model.tflite'):
    (source / name).parent.mkdir(parents=True, exist_ok=True)
    (source / name).write_text(name)

  def fill(folder):  # as VersionedPusher's fill: artifact_io.copy_tree, tf.io.gfile.copy
    artifact_io.copy_tree(str(source), os.path.join(folder, 'saved_model'))

  if stage == 'copy':  # midway: the first file copied, the second one does not fit
    fail_copy_of_second_file(monkeypatch)
  elif stage == 'manifest':
    def dump(*args, **kwargs):
      raise no_space(None)
    monkeypatch.setattr(publish.json, 'dump', dump)
  else:  # the version folder is in place; writing the new LATEST pointer fails
    def open_(path, mode='r', *args, **kwargs):
      if os.path.basename(path).startswith(_POINTER):
        raise no_space(path)
      return open(path, mode, *args, **kwargs)
    monkeypatch.setattr(publish, 'open', open_, raising=False)  # publish.py's open only

  with pytest.raises(OSError) as failure:
    publish.publish(serving, fill, {})
  assert _entries(serving) == sorted([os.path.basename(good), publish.LATEST])
  assert publish.latest_version(serving) == good
  assert failure.value.errno == errno.ENOSPC
  assert f'Publishing into {serving} failed' in str(failure.value)
  assert f'LATEST still names {os.path.basename(good)}' in str(failure.value)
