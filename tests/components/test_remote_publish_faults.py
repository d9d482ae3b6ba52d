"""Faults during a push into a serving directory given as a URI (remote_publish.py).

The kill test needs a filesystem a child process shares with the test, so it uses a
`file://` URI (published through tf.io.gfile, like gs://; ram:// is per process). The
full-disk tests use ram:// (tests/components/ram_fs.py).
"""
import errno
import os

import pytest
import tensorflow as tf

from components import artifact_io, scratch_dirs
from components.versioned_pusher import publish, remote_publish
from tests.components.publish_helpers import fail_copy_of_second_file, fill_with, no_space
from tests.support import kill


def _latest(serving):
  return artifact_io.read_text(os.path.join(serving, publish.LATEST)).strip()


def _names(serving):
  return sorted(n.rstrip('/') for n in tf.io.gfile.listdir(serving))


def _killed_stagings(before):
  """Local staging folders that appeared since `before` and hold the child's two files."""
  parent = scratch_dirs.user_tmp('versioned_pusher')
  return [os.path.join(parent, n) for n in sorted(set(os.listdir(parent)) - before)
          if sorted(os.listdir(os.path.join(parent, n))) == ['a.bin', 'b.bin']]


def test_rerun_after_a_kill_mid_upload_removes_the_unfinished_version(tmp_path, monkeypatch):
  serving = f'file://{tmp_path}/serving'
  good = os.path.basename(publish.publish(serving, fill_with({'f': '1'}), {}))
  before = set(os.listdir(scratch_dirs.user_tmp('versioned_pusher')))
  ready = tmp_path / 'ready'
  proc = kill.start(['-m', 'tests.support.killable_publish', serving, 'upload', str(ready)],
                    str(tmp_path / 'publisher.log'))
  kill.kill_when(proc, ready.exists, timeout_s=120)
  unfinished = [n for n in _names(serving) if n.isdigit() and n != good]
  assert len(unfinished) == 1  # the killed upload: one of its two files, no manifest
  partial = os.path.join(serving, unfinished[0])
  assert _names(partial) == ['a.bin']
  killed_staging = _killed_stagings(before)
  assert len(killed_staging) == 1, 'the killed publisher left no local staging folder'

  # Right after the kill it could be a live upload on another machine: left alone.
  second = os.path.basename(publish.publish(serving, fill_with({'f': '2'}), {}))
  assert _latest(serving) == second and tf.io.gfile.exists(partial)
  assert not os.path.exists(killed_staging[0])  # its publisher's flock died with it

  # Once it is older than any upload takes, the next publish removes it and its record.
  monkeypatch.setattr(remote_publish, 'STALE_UPLOAD_SECONDS', 0.0)
  third = os.path.basename(publish.publish(serving, fill_with({'f': '3'}), {}))
  assert _latest(serving) == third
  assert _names(serving) == sorted([good, second, third, publish.LATEST])
  for version in (good, second, third):
    assert tf.io.gfile.exists(os.path.join(serving, version, publish.MANIFEST))


@pytest.mark.parametrize('stage', ['copy', 'latest'])
def test_full_disk_during_the_upload_keeps_the_previous_release(stage, ram_root, monkeypatch):
  serving = f'{ram_root}/serving'
  good = os.path.basename(publish.publish(serving, fill_with({'f': '1'}), {}))
  fill = fill_with({'saved_model/a.pb': 'a', 'saved_model/b.pb': 'b'})
  if stage == 'copy':  # midway: the first file uploaded, the second one does not fit
    fail_copy_of_second_file(monkeypatch)
  else:  # version and manifest uploaded; replacing LATEST fails
    real_rename = tf.io.gfile.rename

    def rename(src, dst, overwrite=False):
      if dst.endswith('/' + publish.LATEST):
        raise no_space(dst)
      real_rename(src, dst, overwrite)
    monkeypatch.setattr(tf.io.gfile, 'rename', rename)

  with pytest.raises(OSError) as failure:
    publish.publish(serving, fill, {})
  assert _names(serving) == sorted([good, publish.LATEST])  # no version, record, pointer
  assert _latest(serving) == good
  assert failure.value.errno == errno.ENOSPC
  assert f'Publishing into {serving} failed' in str(failure.value)
  assert f'LATEST still names {good}' in str(failure.value)
