"""Switching PRESET between runs: the baseline is evaluated with its own noise.

Three runs with a stand-in Trainer that exports an untrained generator of the run's preset
through models/export.py (tests/support/stand_in_generators.py): `mlp` (unconditional,
100-d uniform noise), then `default` (conditional, 64-d normal noise) against the pushed
`mlp`, then `mlp` against the pushed `default`. The gates are wide open, so every run is
pushed and becomes the next run's baseline; what is checked is that each baseline was fed
its own noise (not the candidate's, which is another size and distribution) and that the
manifest records the change. With its own noise (same seed) a baseline measures exactly
what it measured as the candidate of its own run.
"""
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from components.versioned_pusher import publish
from formats.examples import BASELINE_NOISE_FEATURE, NOISE_FEATURE
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import gates
from tests.support import pipelines

_OPEN_GATE = gates.open_gate()
_PRESETS = ('mlp', 'default', 'mlp')


def _pipeline(paths, tfds_data_dir, mnist_dir, preset):
  return pipeline_lib.create_pipeline(
      pipeline_name='test_preset_change', pipeline_root=paths.pipeline_root,
      tfds_data_dir=tfds_data_dir, schema_path=configs.SCHEMA_PATH,
      serving_dir=paths.serving_dir, metadata_connection_config=paths.connection_config(),
      manual_dir=mnist_dir, max_examples_per_split=1000,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, preset=preset, train_steps=1,
      classifier_train_steps=50, classifier_min_accuracy=0.0, gate=_OPEN_GATE,
      eval_samples=1000, tflite_parity_samples=100,
      trainer_run_fn='tests.support.stand_in_generators.untrained_run_fn')


def _newest(paths, type_name, component_id):
  return max((a for a in pipelines.live_artifacts(paths, type_name)
              if f'{os.sep}{component_id}{os.sep}' in a.uri), key=lambda a: a.id)


def _first_example(examples_uri):
  [record] = pipelines.read_split(examples_uri, 'eval')[:1]
  return tf.train.Example.FromString(record).features.feature


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tfds_data_dir, mnist_dir):
  """Per run: its manifest, its model id and its first eval example's features."""
  paths = pipelines.Paths(tmp_path_factory.mktemp('preset_change'))
  results = []
  for preset in _PRESETS:
    pipelines.run(_pipeline(paths, tfds_data_dir, mnist_dir, preset))
    pushed = _newest(paths, 'PushedModel', 'VersionedPusher')
    assert pushed.custom_properties['pushed'].int_value == 1, pushed
    version_dir = pushed.custom_properties['pushed_destination'].string_value
    with open(os.path.join(version_dir, publish.MANIFEST)) as f:
      manifest = json.load(f)
    results.append({
        'manifest': manifest, 'model_id': _newest(paths, 'Model', 'Trainer').id,
        'blessing': _newest(paths, 'components.SavedModelBlessing', 'Evaluator'),
        'example': _first_example(_newest(paths, 'Examples', 'GeneratorEvalExamples').uri)})
  return paths, results


def test_the_manifest_records_each_change_of_preset(runs):
  _, results = runs
  assert [(r['manifest']['preset'], r['manifest']['baseline_preset'],
           r['manifest']['preset_changed']) for r in results] == [
               ('mlp', None, False), ('default', 'mlp', True), ('mlp', 'default', True)]


def test_each_baseline_is_the_previous_release(runs):
  paths, results = runs
  for previous, current in zip(results, results[1:]):
    assert pipelines.input_ids(paths, current['blessing'].id, 'baseline_model') == [
        previous['model_id']]
    assert current['manifest']['lineage']['baseline_model_id'] == previous['model_id']


@pytest.mark.parametrize('run, noise_dim, baseline_dim', [(1, 64, 100), (2, 100, 64)],
                         ids=['mlp_to_default', 'default_to_mlp'])
def test_the_baseline_gets_noise_of_its_own_size_and_distribution(runs, run, noise_dim,
                                                                  baseline_dim):
  _, results = runs
  features = results[run]['example']
  noise = np.array(features[NOISE_FEATURE].float_list.value)
  baseline_noise = np.array(features[BASELINE_NOISE_FEATURE].float_list.value)
  assert (noise.size, baseline_noise.size) == (noise_dim, baseline_dim)
  uniform = baseline_noise if baseline_dim == 100 else noise  # mlp: uniform in [-1, 1]
  assert np.all(np.abs(uniform) <= 1.0)
  normal = noise if noise_dim == 64 else baseline_noise
  assert np.abs(normal).max() > 1.0  # 64 standard-normal draws: some exceed 1 (p > 0.999)


@pytest.mark.parametrize('run', [1, 2], ids=['mlp_to_default', 'default_to_mlp'])
def test_the_baseline_measures_what_it_measured_in_its_own_run(runs, run):
  """Same model, same seeded noise of its own, same data and classifier: same metrics."""
  _, results = runs
  as_candidate = results[run - 1]['manifest']['metrics']['saved_model']
  as_baseline = results[run]['manifest']['metrics']['baseline']
  for metric in ('fid', 'mnist_score'):
    assert as_baseline[metric] == pytest.approx(as_candidate[metric], rel=1e-3), metric
