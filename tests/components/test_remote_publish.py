"""Versioned publication into a serving directory that is a URI (gs:// on Vertex AI).

`ram://` stands in for GCS (tests/components/ram_fs.py): no folder rename, no flock.
"""
import json
import os

import pytest
import tensorflow as tf

from components import artifact_io
from components.versioned_pusher import publish
from components.versioned_pusher import publish_shared
from tests.components.publish_helpers import fill_with
from tests.components.ram_fs import ram_files


def _latest(serving):
  return artifact_io.read_text(os.path.join(serving, publish.LATEST)).strip()


def test_publish_writes_version_manifest_and_latest(ram_root):
  serving = f'{ram_root}/serving'
  first = publish.publish(serving, fill_with({'saved_model/a.pb': 'x'}), {'metrics': {'f': 3}})
  second = publish.publish(serving, fill_with({'saved_model/a.pb': 'yy'}), {})
  assert first.startswith(serving + '/') and second.startswith(serving + '/')
  assert int(os.path.basename(second)) > int(os.path.basename(first))
  assert _latest(serving) == os.path.basename(second)
  assert ram_files(first) == ['manifest.json', 'saved_model/a.pb']
  manifest = json.loads(artifact_io.read_text(os.path.join(first, publish.MANIFEST)))
  assert manifest['metrics'] == {'f': 3}
  assert manifest['version'] == os.path.basename(first)
  assert manifest['files']['saved_model/a.pb']['bytes'] == 1
  assert artifact_io.read_text(os.path.join(second, 'saved_model/a.pb')) == 'yy'
  # Only versions and LATEST: no staging folders or pointer files left behind.
  assert sorted(tf.io.gfile.listdir(serving)) == sorted(
      [os.path.basename(first), os.path.basename(second), publish.LATEST])


@pytest.mark.parametrize('fail_at', ['fill', 'upload'])
def test_failure_leaves_no_version_and_keeps_latest(ram_root, monkeypatch, fail_at):
  serving = f'{ram_root}/serving'
  good = publish.publish(serving, fill_with({'f': '1'}), {})
  fill = fill_with({'saved_model/half.pb': 'partial'})
  if fail_at == 'fill':
    def failing_fill(folder):
      fill(folder)
      raise IOError('disk full (injected)')
  else:  # the version's files are uploaded, then writing its manifest fails
    failing_fill, write_text = fill, artifact_io.write_text

    def failing_write(path, text):
      if path.endswith(publish.MANIFEST):
        raise IOError('network down (injected)')
      write_text(path, text)
    monkeypatch.setattr(artifact_io, 'write_text', failing_write)
  with pytest.raises(IOError, match='injected'):
    publish.publish(serving, failing_fill, {})
  assert sorted(tf.io.gfile.listdir(serving)) == sorted(
      [os.path.basename(good), publish.LATEST])
  assert _latest(serving) == os.path.basename(good)


def test_latest_never_moves_back_to_an_older_version(ram_root, monkeypatch):
  serving = f'{ram_root}/serving'
  monkeypatch.setattr(publish_shared.time, 'time', lambda: 1_700_000_000.0)
  artifact_io.write_text(f'{serving}/{publish.LATEST}', '2000000000\n')  # a newer release
  first = publish.publish(serving, fill_with({'f': '1'}), {})
  assert os.path.basename(first) == '1700000000'
  assert _latest(serving) == '2000000000'
