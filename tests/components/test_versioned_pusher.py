"""Versioned publication is atomic, and only fully blessed releases ship."""
import json
import os

import pytest
from tfx.types import standard_artifacts

from components.versioned_pusher import component
from components.versioned_pusher import publish


def _fill_with(files):
  def fill(folder):
    for name, content in files.items():
      path = os.path.join(folder, name)
      os.makedirs(os.path.dirname(path), exist_ok=True)
      with open(path, 'w') as f:
        f.write(content)
  return fill


def test_publish_writes_version_manifest_and_latest(tmp_path):
  serving = str(tmp_path / 'serving')
  first = publish.publish(serving, _fill_with({'saved_model/a.pb': 'x'}), {'metrics': {'fid': 3}})
  second = publish.publish(serving, _fill_with({'saved_model/a.pb': 'yy'}), {})
  assert int(os.path.basename(second)) > int(os.path.basename(first))
  assert publish.latest_version(serving) == second
  manifest = json.load(open(os.path.join(first, publish.MANIFEST)))
  assert manifest['metrics'] == {'fid': 3}
  assert manifest['files']['saved_model/a.pb']['bytes'] == 1
  assert len(manifest['files']['saved_model/a.pb']['sha256']) == 64


def test_failure_midway_leaves_no_version_and_keeps_latest(tmp_path):
  serving = str(tmp_path / 'serving')
  good = publish.publish(serving, _fill_with({'f': '1'}), {})

  def failing_fill(folder):
    _fill_with({'saved_model/half.pb': 'partial'})(folder)
    raise IOError('disk full (injected)')

  with pytest.raises(IOError, match='injected'):
    publish.publish(serving, failing_fill, {})
  assert sorted(os.listdir(serving)) == sorted([os.path.basename(good), publish.LATEST])
  assert publish.latest_version(serving) == good


def _artifacts(blessed, blessed_model_id, model_id):
  model = standard_artifacts.Model()
  model.id = model_id
  blessing = standard_artifacts.ModelBlessing()
  blessing.id = 100 + model_id
  blessing.set_int_custom_property('blessed', blessed)
  blessing.set_int_custom_property('current_model_id', blessed_model_id)
  return blessing, model


def test_blessing_problems_name_each_failing_gate():
  assert component.blessing_problems({'a': _artifacts(1, 5, 5), 'b': _artifacts(1, 6, 6)}) == []
  problems = component.blessing_problems({'a': _artifacts(0, 5, 5), 'b': _artifacts(1, 9, 6)})
  assert len(problems) == 2
  assert problems[0].startswith('a: model 5 was not blessed')
  assert problems[1].startswith('b: blessing 106 is for model 9, not 6')
