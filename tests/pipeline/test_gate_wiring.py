"""Gate wiring from the built pipeline (nothing runs): the floor's N, and stop_after."""
import json

import pytest

from pipeline import configs
from pipeline import pipeline as pipeline_lib


def _pipeline(**overrides):
  return pipeline_lib.create_pipeline(
      pipeline_name='gate_wiring', pipeline_root='/nonexistent/root',
      tfds_data_dir='/nonexistent', schema_path=configs.SCHEMA_PATH,
      serving_dir='/nonexistent/serving', **overrides)


@pytest.mark.parametrize('eval_samples', [configs.EVAL_SAMPLES, 1234])
def test_classifier_measures_the_floor_at_the_gates_sample_count(eval_samples):
  # The evaluators refuse a floor measured at another N than theirs: FID is biased by N.
  [classifier] = [c for c in _pipeline(eval_samples=eval_samples).components
                  if c.id == 'ClassifierTrainer']
  custom_config = json.loads(classifier.exec_properties['custom_config'])
  assert custom_config['floor_samples'] == eval_samples


def test_an_unknown_stop_after_is_refused_when_the_pipeline_is_built():
  with pytest.raises(ValueError, match=r"stop_after='bogus': one of \('validation', 'training'\)"):
    _pipeline(stop_after='bogus')
