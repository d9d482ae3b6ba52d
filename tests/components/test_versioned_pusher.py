"""Versioned publication is atomic, and only fully blessed releases ship."""
import json
import os
import threading

import pytest
from tfx.types import standard_artifacts

from components.versioned_pusher import component
from components.versioned_pusher import publish
from components.versioned_pusher import publish_shared
from tests.components.publish_helpers import fill_with


def test_publish_writes_version_manifest_and_latest(tmp_path):
  serving = str(tmp_path / 'serving')
  first = publish.publish(serving, fill_with({'saved_model/a.pb': 'x'}), {'metrics': {'fid': 3}})
  second = publish.publish(serving, fill_with({'saved_model/a.pb': 'yy'}), {})
  assert int(os.path.basename(second)) > int(os.path.basename(first))
  assert publish.latest_version(serving) == second
  manifest = json.load(open(os.path.join(first, publish.MANIFEST)))
  assert manifest['metrics'] == {'fid': 3}
  assert manifest['files']['saved_model/a.pb']['bytes'] == 1
  assert len(manifest['files']['saved_model/a.pb']['sha256']) == 64


def test_failure_midway_leaves_no_version_and_keeps_latest(tmp_path):
  serving = str(tmp_path / 'serving')
  good = publish.publish(serving, fill_with({'f': '1'}), {})

  def failing_fill(folder):
    fill_with({'saved_model/half.pb': 'partial'})(folder)
    raise IOError('disk full (injected)')

  with pytest.raises(IOError, match='injected'):
    publish.publish(serving, failing_fill, {})
  left = [n for n in os.listdir(serving) if n != publish.LOCK_FILE]
  assert sorted(left) == sorted([os.path.basename(good), publish.LATEST])
  assert publish.latest_version(serving) == good


def test_concurrent_publishes_get_distinct_versions(tmp_path, monkeypatch):
  # A frozen clock: every publisher would pick the same seconds-since-epoch version.
  monkeypatch.setattr(publish_shared.time, 'time', lambda: 1_700_000_000.0)
  serving, count = str(tmp_path / 'serving'), 6
  all_filled = threading.Barrier(count)  # all pick a version at about the same moment
  results, errors = [], []

  def push(i):
    def fill(folder):
      fill_with({'id': str(i)})(folder)
      all_filled.wait(timeout=30)
    try:
      results.append(publish.publish(serving, fill, {}))
    except Exception as e:  # pylint: disable=broad-except
      errors.append(e)

  threads = [threading.Thread(target=push, args=(i,)) for i in range(count)]
  for t in threads:
    t.start()
  for t in threads:
    t.join()
  assert not errors
  versions = sorted(int(os.path.basename(r)) for r in results)
  assert versions == list(range(1_700_000_000, 1_700_000_000 + count))
  assert sorted(open(os.path.join(r, 'id')).read() for r in results) == \
      [str(i) for i in range(count)]
  for r in results:
    assert json.load(open(os.path.join(r, publish.MANIFEST)))['version'] == os.path.basename(r)
  # LATEST names the last (largest) version, never an older one.
  assert publish.latest_version(serving) == os.path.join(serving, str(versions[-1]))


def test_new_version_stays_above_existing_when_the_clock_is_behind(tmp_path, monkeypatch):
  serving = tmp_path / 'serving'
  (serving / '2000000000').mkdir(parents=True)
  monkeypatch.setattr(publish_shared.time, 'time', lambda: 1_700_000_000.0)
  assert publish.new_version(str(serving)) == '2000000001'


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


def test_refusals_name_the_gate_of_each_variant():
  blessings = {component.gate_name(): _artifacts(1, 5, 5),
               **{component.gate_name(v): _artifacts(0, 6, 6)
                  for v in component.GATED_TFLITE_VARIANTS}}
  problems = component.blessing_problems(blessings)
  assert [p.split(':')[0] for p in problems] == [
      'TFLite fp16 gate', 'TFLite dynamic_int8 gate', 'TFLite int8 gate', 'TFLite uint8 gate']


@pytest.mark.parametrize('model, baseline, changed', [
    ('default', None, False), ('default', 'default', False), ('default', 'mlp', True)])
def test_preset_change_is_recorded(model, baseline, changed):
  assert component.preset_change(model, baseline) == {
      'preset': model, 'baseline_preset': baseline, 'preset_changed': changed}
