"""The whole pipeline on a capped subset: train, export, gate, push — and refuse.

Run 1 trains the `default` preset briefly and must be blessed by every gate and pushed.
Run 2 ships run 1's model again (a stand-in Trainer copies its base model): the SavedModel
gate blesses it (candidate == baseline), but the TFLite gates are given an impossible
threshold, so the release is refused as a whole and nothing is pushed.
Run 3 swaps in a generator that draws blank images: its baseline and warm-start base must be
run 1's model, the last *pushed* release, not run 2's (blessed by one gate only); the
SavedModel gate refuses it, and the serving dir still points at run 1's version.
The blank trainer ignores its base model; tests/models/test_warm_start.py checks that the
real one continues from its weights.
The thresholds are loose (400 steps on 1,000 digits reach an MNIST score of about 5 and a
class accuracy of about 0.18) but a blank generator cannot pass them: the classifier gives
every blank image the same class, so its MNIST score is 1.
"""
import json
import os

import pytest

from cli import __main__ as cli
from components.versioned_pusher import publish
from formats import variants
from models import warm_start
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import gates
from tests.support import pipelines
from tests.support import release_tflite

_GATE = gates.open_gate(min_mnist_score=2.0)
# No TFLite variant can be 1e6 better than fp32: every TFLite gate refuses.
_IMPOSSIBLE_TFLITE_GATE = gates.impossible_tflite_gate(_GATE)
_TFLITE_GATES = ('TFLiteFp16Evaluator', 'TFLiteDynamicInt8Evaluator', 'TFLiteInt8Evaluator')


def _pipeline(paths, tfds_data_dir, mnist_dir, **overrides):
  settings = {'gate': _GATE, **overrides}
  return pipeline_lib.create_pipeline(
      pipeline_name='test_full', pipeline_root=paths.pipeline_root,
      tfds_data_dir=tfds_data_dir, schema_path=configs.SCHEMA_PATH,
      serving_dir=paths.serving_dir, metadata_connection_config=paths.connection_config(),
      manual_dir=mnist_dir, max_examples_per_split=1000,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, train_steps=400,
      classifier_train_steps=250, classifier_min_accuracy=0.8,
      eval_samples=1000, tflite_parity_samples=200, **settings)


def _latest(artifacts):
  return max(artifacts, key=lambda a: a.id)


def _by_component(paths, type_name, component_id):
  """Live artifacts of `type_name` written by `component_id` (its folder in the URI)."""
  return [a for a in pipelines.live_artifacts(paths, type_name)
          if f'{os.sep}{component_id}{os.sep}' in a.uri]


def _blessed(artifact):
  return artifact.custom_properties['blessed'].int_value == 1


def _run_state(paths):
  """The newest artifacts of the components the tests look at, after one run."""
  state = {'SavedModelBlessing': _latest(_by_component(paths, 'components.SavedModelBlessing',
                                                       'Evaluator')),
           'PushedModel': _latest(pipelines.live_artifacts(paths, 'PushedModel')),
           'release': _latest(_by_component(paths, 'ModelBlessing', 'VersionedPusher')),
           'model': _latest(_by_component(paths, 'Model', 'Trainer'))}
  state['tflite'] = {gate: _latest(_by_component(paths, 'components.TFLiteModelBlessing', gate))
                     for gate in _TFLITE_GATES}
  state['model_id'] = state['model'].id
  return state


@pytest.fixture(scope='module')
def three_runs(tmp_path_factory, tfds_data_dir, mnist_dir):
  paths = pipelines.Paths(tmp_path_factory.mktemp('full'))
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir))
  first = _run_state(paths)
  first['models'] = pipelines.live_artifacts(paths, 'Model')
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir, gate=_IMPOSSIBLE_TFLITE_GATE,
                          trainer_run_fn='tests.support.stand_in_generators.copy_base_run_fn'))
  second = _run_state(paths)
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir,
                          trainer_run_fn='tests.support.blank_generator.run_fn'))
  return paths, first, second, _run_state(paths)


def test_first_run_is_blessed_by_every_gate_and_pushed_with_tflite_variants(three_runs):
  paths, first, _, _ = three_runs
  pushed = first['PushedModel']
  assert pushed.custom_properties['pushed'].int_value == 1, pushed
  assert _blessed(first['release'])
  assert first['release'].custom_properties['current_model_id'].int_value == first['model_id']
  assert all(_blessed(b) for b in first['tflite'].values())
  version_dir = pushed.custom_properties['pushed_destination'].string_value
  assert publish.latest_version(paths.serving_dir) == version_dir
  assert os.path.isfile(os.path.join(version_dir, 'saved_model', 'saved_model.pb'))
  # Every shipped .tflite: metadata with this release's version, loads and runs in LiteRT.
  release_tflite.check_pushed_tflite(version_dir)
  for variant in variants.TFLITE_VARIANTS:
    assert os.path.getsize(os.path.join(version_dir, 'tflite', variant, 'model.tflite')) > 0
    with open(os.path.join(version_dir, 'tflite', variant, 'card.json')) as f:
      card = json.load(f)  # the shipped card names the file shipped beside it
    assert os.path.isfile(os.path.join(version_dir, 'tflite', variant, card['file'])), card
  # The CLI reads the pushed release through LATEST: SavedModel and a TFLite variant.
  for variant in (None, 'int8'):
    grid = os.path.join(paths.root, f'grid_{variant}.png')
    cli.main(['generate', '--model', paths.serving_dir, '--digit', '3', '--count', '4',
              '--out', grid] + (['--variant', variant] if variant else []))
    assert os.path.getsize(grid) > 0
  with open(os.path.join(version_dir, publish.MANIFEST)) as f:
    manifest = json.load(f)
  metrics = manifest['metrics']
  assert metrics['saved_model']['mnist_score'] >= _GATE.min_mnist_score
  assert metrics['saved_model']['class_accuracy'] >= _GATE.min_class_accuracy
  # Every shipped file with the same three metrics; fp32 is the TFLite gates' baseline.
  for variant in variants.TFLITE_VARIANTS:
    assert set(metrics['tflite'][variant]) >= {'fid', 'mnist_score', 'class_accuracy'}, variant
  assert metrics['tflite']['int8']['fid_diff'] == pytest.approx(
      metrics['tflite']['int8']['fid'] - metrics['tflite']['fp32']['fid'], abs=1e-6)
  assert metrics['baseline'] == {}  # a first run has nothing to compare with
  # Each gate's floor (this run's classifier, same N) and the bounds it applied.
  for gate in ('saved_model',) + variants.GATED_VARIANTS:
    record = manifest['gates'][gate]
    assert record['floor_num_samples'] == 1000 and 0 < record['floor_fid'] < record['max_fid']
  assert (manifest['preset'], manifest['baseline_preset'], manifest['preset_changed']) == (
      'default', None, False)
  # 2 Trainers (classifier, GAN) + one Model per TFLite variant, all from run 1.
  assert len(first['models']) == 2 + len(variants.TFLITE_VARIANTS)


def test_a_model_refused_by_the_tflite_gates_is_not_pushed(three_runs):
  paths, first, second, _ = three_runs
  assert second['model_id'] != first['model_id']
  assert _blessed(second['SavedModelBlessing'])
  assert second['SavedModelBlessing'].custom_properties[
      'current_model_id'].int_value == second['model_id']
  assert not any(_blessed(b) for b in second['tflite'].values())
  pushed = second['PushedModel']
  assert pushed.custom_properties['pushed'].int_value == 0
  refusal = pushed.custom_properties['refusal'].string_value
  for variant in ('fp16', 'dynamic_int8', 'int8'):
    assert f'TFLite {variant} gate: model' in refusal
  assert 'SavedModel gate' not in refusal
  assert not _blessed(second['release'])


def test_baseline_and_warm_start_base_are_the_last_pushed_release(three_runs):
  paths, first, second, third = three_runs
  # Run 2 was blessed by the SavedModel gate but not pushed: run 3 compares with run 1.
  blessing = third['SavedModelBlessing']
  assert blessing.id != second['SavedModelBlessing'].id
  assert pipelines.input_ids(paths, blessing.id, 'baseline_model') == [first['model_id']]
  assert pipelines.input_ids(paths, third['model_id'], 'base_model') == [first['model_id']]
  # Run 2 itself was given run 1 (the copy stand-in needs one).
  assert pipelines.input_ids(paths, second['model_id'], 'base_model') == [first['model_id']]


def test_blank_generator_is_refused_and_latest_stays_on_run_one(three_runs):
  paths, first, _, third = three_runs
  assert not _blessed(third['SavedModelBlessing'])
  pushed = third['PushedModel']
  assert pushed.custom_properties['pushed'].int_value == 0
  assert 'SavedModel gate: model' in pushed.custom_properties['refusal'].string_value
  # Still exactly one version, and LATEST still names it.
  versions = [v for v in os.listdir(paths.serving_dir) if v.isdigit()]  # not LATEST, index.html
  assert len(versions) == 1
  assert publish.latest_version(paths.serving_dir) == os.path.join(paths.serving_dir, versions[0])
  assert versions[0] == first['PushedModel'].custom_properties['pushed_version'].string_value


def test_first_model_keeps_a_warm_start_checkpoint(three_runs):
  paths, first, _, _ = three_runs
  # Run 1 had nothing pushed to start from; its model keeps a warm-start checkpoint.
  assert pipelines.input_ids(paths, first['model_id'], 'base_model') == []
  assert os.path.isfile(os.path.join(first['model'].uri, 'warm_start', warm_start.INFO))
