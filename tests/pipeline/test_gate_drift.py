"""Drift: a generator a little worse every run is refused within three runs, with the
production thresholds (configs.GATE), and LATEST stays on the last good version.

The GAN Trainer is tests/support/degrading_generator.py: real training digits picked by
the noise, blended with a fixed pattern one STEP more than its warm-start base. Run 1
(undegraded) must ship. With the thresholds before issue 11 (FID may rise by 5.0 per run,
absolute FID <= 25) every degraded run shipped too, each one the next run's baseline.
Every evaluation must also record the floor its thresholds were tied to.
"""
import os

import pytest
import tensorflow_model_analysis as tfma

from components.versioned_pusher import publish
from formats import release
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import degrading_generator
from tests.support import pipelines

_DEGRADED_RUNS = 3


def _pipeline(paths, tfds_data_dir, mnist_dir):
  return pipeline_lib.create_pipeline(
      pipeline_name='test_drift', pipeline_root=paths.pipeline_root,
      tfds_data_dir=tfds_data_dir, schema_path=configs.SCHEMA_PATH,
      serving_dir=paths.serving_dir, metadata_connection_config=paths.connection_config(),
      manual_dir=mnist_dir, max_examples_per_split=1000,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, train_steps=1,
      classifier_train_steps=250, classifier_min_accuracy=0.8, gate=configs.GATE,
      eval_samples=1000, tflite_parity_samples=200,
      trainer_run_fn='tests.support.degrading_generator.run_fn')


def _newest(paths, type_name, component=None):
  artifacts = [a for a in pipelines.live_artifacts(paths, type_name)
               if component is None or f'{os.sep}{component}{os.sep}' in a.uri]
  return max(artifacts, key=lambda a: a.id)


def _candidate_metrics(evaluation):
  result = tfma.load_eval_result(evaluation.uri)
  [values] = [by_output[''][''] for key, by_output in result.slicing_metrics if key == ()]
  return {name: value['doubleValue'] for name, value in values.items() if 'doubleValue' in value}


def _run_record(paths):
  pushed = _newest(paths, 'PushedModel')
  evaluation = _newest(paths, 'ModelEvaluation', 'Evaluator')
  trainer_model = _newest(paths, 'Model', 'Trainer')
  return {
      'pushed': pushed.custom_properties['pushed'].int_value == 1,
      'destination': pushed.custom_properties['pushed_destination'].string_value,
      'refusal': pushed.custom_properties['refusal'].string_value,
      'level': degrading_generator.level_of(os.path.join(trainer_model.uri, 'Format-Serving')),
      'evaluation': {k: v.double_value or v.int_value
                     for k, v in evaluation.custom_properties.items()},
      'metrics': _candidate_metrics(evaluation),
      'latest': publish.latest_version(paths.serving_dir),
  }


@pytest.fixture(scope='module')
def drift_runs(tmp_path_factory, tfds_data_dir, mnist_dir):
  """Run 1, then degraded runs until the first refusal (at most _DEGRADED_RUNS)."""
  paths = pipelines.Paths(tmp_path_factory.mktemp('drift'))
  runs = []
  for _ in range(1 + _DEGRADED_RUNS):
    pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir))
    runs.append(_run_record(paths))
    print('drift run', len(runs), runs[-1])  # for -s: the figures behind a failure
    if not runs[-1]['pushed']:
      break
  return paths, runs


def test_degrading_generator_is_refused_within_three_runs(drift_runs):
  paths, runs = drift_runs
  assert runs[0]['pushed'] and runs[0]['level'] == 0, runs[0]
  summary = [(r['level'], r['pushed'], r['metrics']) for r in runs]
  assert not runs[-1]['pushed'], f'every degraded run shipped: {summary}'
  assert 'SavedModel gate' in runs[-1]['refusal'], runs[-1]['refusal']
  # Each run continued from the last good one, one step worse; LATEST stays on the last
  # version that shipped, and nothing else was published.
  assert [r['level'] for r in runs] == list(range(len(runs)))
  last_good = [r for r in runs if r['pushed']][-1]
  assert runs[-1]['latest'] == last_good['destination']
  versions = [v for v in os.listdir(paths.serving_dir)
              if release.is_version(os.path.join(paths.serving_dir, v))]
  assert len(versions) == len(runs) - 1


def test_every_evaluation_records_its_floor_and_the_bounds_it_applied(drift_runs):
  _, runs = drift_runs
  gate = configs.GATE
  for run in runs:
    recorded = run['evaluation']
    for key in ('floor_fid', 'floor_mnist_score', 'floor_class_accuracy', 'max_fid',
                'min_mnist_score', 'min_class_accuracy'):
      assert key in recorded, (key, sorted(recorded))
    assert recorded['floor_num_samples'] == 1000
    assert recorded['max_fid'] == pytest.approx(
        min(gate.max_fid, gate.max_fid_over_floor * recorded['floor_fid']))
    assert recorded['min_mnist_score'] == pytest.approx(
        max(gate.min_mnist_score, gate.min_mnist_score_of_floor * recorded['floor_mnist_score']))
    assert recorded['min_class_accuracy'] == pytest.approx(max(
        gate.min_class_accuracy,
        gate.min_class_accuracy_of_floor * recorded['floor_class_accuracy']))
