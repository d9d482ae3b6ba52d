"""The whole pipeline on a capped subset: train, export, gate, push — and refuse.

Run 1 trains the `default` preset briefly and must be blessed by both gates and pushed.
Run 2 swaps in a generator that draws blank images: the SavedModel gate compares it with
run 1's blessed model, refuses it, and the serving dir still points at run 1's version.
Run 2's Trainer is handed run 1's model to warm-start from (the blank trainer ignores it;
tests/models/test_warm_start.py checks that the real one continues from its weights).
The thresholds are loose (400 steps on 1,000 digits reach an MNIST score of about 5 and a
class accuracy of about 0.18) but a blank generator cannot pass them: the classifier gives
every blank image the same class, so its MNIST score is 1.
"""
import json
import os

import pytest

from components.versioned_pusher import publish
from models import warm_start
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import pipelines

_GATE = configs.GateThresholds(
    max_fid=1e6, min_mnist_score=2.0, min_class_accuracy=0.0, max_fid_increase=1e6,
    max_class_accuracy_drop=0.5, int8_max_fid_increase=1e6, int8_max_class_accuracy_drop=0.2)


def _pipeline(paths, tfds_data_dir, mnist_dir, **overrides):
  return pipeline_lib.create_pipeline(
      pipeline_name='test_full', pipeline_root=paths.pipeline_root,
      tfds_data_dir=tfds_data_dir, schema_path=configs.SCHEMA_PATH,
      serving_dir=paths.serving_dir, metadata_connection_config=paths.connection_config(),
      manual_dir=mnist_dir, max_examples_per_split=1000,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, train_steps=400,
      classifier_train_steps=250, classifier_min_accuracy=0.8, gate=_GATE,
      eval_samples=1000, tflite_parity_samples=200, **overrides)


def _latest(paths, type_name):
  return max(pipelines.live_artifacts(paths, type_name), key=lambda a: a.id)


def _saved_model_blessing(paths):
  """The newest blessing of the SavedModel gate (the Evaluator, not TFLiteInt8Evaluator)."""
  blessings = [b for b in pipelines.live_artifacts(paths, 'ModelBlessing')
               if f'{os.sep}Evaluator{os.sep}' in b.uri]
  return max(blessings, key=lambda a: a.id)


def _blessed(artifact):
  return artifact.custom_properties['blessed'].int_value == 1


@pytest.fixture(scope='module')
def two_runs(tmp_path_factory, tfds_data_dir, mnist_dir):
  paths = pipelines.Paths(tmp_path_factory.mktemp('full'))
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir))
  first = {'ModelBlessing': _saved_model_blessing(paths),
           'PushedModel': _latest(paths, 'PushedModel')}
  first['model_id'] = first['ModelBlessing'].custom_properties['current_model_id'].int_value
  first['models'] = pipelines.live_artifacts(paths, 'Model')
  pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir,
                          trainer_run_fn='tests.support.blank_generator.run_fn'))
  return paths, first


def test_first_run_is_blessed_and_pushed_with_tflite_variants(two_runs):
  paths, first = two_runs
  pushed = first['PushedModel']
  assert pushed.custom_properties['pushed'].int_value == 1, pushed
  version_dir = pushed.custom_properties['pushed_destination'].string_value
  assert publish.latest_version(paths.serving_dir) == version_dir
  assert os.path.isfile(os.path.join(version_dir, 'saved_model', 'saved_model.pb'))
  for variant in ('fp32', 'fp16', 'dynamic_int8', 'int8'):
    assert os.path.getsize(os.path.join(version_dir, 'tflite', variant, 'model.tflite')) > 0
  with open(os.path.join(version_dir, publish.MANIFEST)) as f:
    manifest = json.load(f)
  metrics = manifest['metrics']
  assert metrics['saved_model']['mnist_score'] >= _GATE.min_mnist_score
  assert metrics['saved_model']['class_accuracy'] >= _GATE.min_class_accuracy
  assert metrics['tflite_int8']['fid'] >= 0
  # 2 Trainers (classifier, GAN) + 4 TFLite variants, all from run 1.
  assert len(first['models']) == 6


def test_blank_generator_is_compared_with_run_one_and_refused(two_runs):
  paths, first = two_runs
  assert _blessed(first['ModelBlessing'])
  blessing = _saved_model_blessing(paths)
  assert blessing.id != first['ModelBlessing'].id
  assert not _blessed(blessing)
  # Its evaluation used run 1's blessed generator as the baseline.
  assert pipelines.input_ids(paths, blessing.id, 'baseline_model') == [first['model_id']]
  pushed = _latest(paths, 'PushedModel')
  assert pushed.id != first['PushedModel'].id
  assert pushed.custom_properties['pushed'].int_value == 0
  assert 'SavedModel gate: model' in pushed.custom_properties['refusal'].string_value
  # Still exactly one version, and LATEST still names it.
  versions = [v for v in os.listdir(paths.serving_dir) if not v.startswith('.') and
              v != publish.LATEST]
  assert len(versions) == 1
  assert publish.latest_version(paths.serving_dir) == os.path.join(paths.serving_dir, versions[0])


def test_second_trainer_is_given_the_blessed_first_model_to_warm_start_from(two_runs):
  paths, first = two_runs
  # Run 1 had nothing blessed to start from; its model keeps a warm-start checkpoint.
  assert pipelines.input_ids(paths, first['model_id'], 'base_model') == []
  [first_model] = [m for m in first['models'] if m.id == first['model_id']]
  assert os.path.isfile(os.path.join(first_model.uri, 'warm_start', warm_start.INFO))
  gan_models = [m for m in pipelines.live_artifacts(paths, 'Model')
                if f'{os.sep}Trainer{os.sep}' in m.uri]
  second = max(gan_models, key=lambda a: a.id)
  assert second.id != first['model_id']
  assert pipelines.input_ids(paths, second.id, 'base_model') == [first['model_id']]
