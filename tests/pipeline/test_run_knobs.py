"""Run knobs from the environment: configs.py values unless a variable overrides them."""
import pytest

from pipeline import configs
from pipeline import run_knobs


def test_unset_or_empty_means_the_configs_values():
  expected = {'preset': configs.PRESET, 'train_steps': configs.TRAIN_STEPS,
              'classifier_train_steps': configs.CLASSIFIER_TRAIN_STEPS,
              'eval_samples': configs.EVAL_SAMPLES, 'max_examples_per_split': None,
              'stop_after': None, 'warm_start': configs.WARM_START,
              'incoming_dir': configs.INCOMING_DIR}
  assert run_knobs.knobs_from_env({}) == expected
  assert run_knobs.knobs_from_env({'PRESET': '', 'TRAIN_STEPS': '', 'WARM_START': ''}) == expected


def test_variables_override():
  knobs = run_knobs.knobs_from_env({
      'PRESET': 'mlp', 'TRAIN_STEPS': '10', 'CLASSIFIER_TRAIN_STEPS': '20',
      'EVAL_SAMPLES': '30', 'MAX_EXAMPLES': '40', 'STOP_AFTER': 'training',
      'WARM_START': 'no', 'INCOMING_DIR': '/data/incoming'})
  assert knobs == {'preset': 'mlp', 'train_steps': 10, 'classifier_train_steps': 20,
                   'eval_samples': 30, 'max_examples_per_split': 40,
                   'stop_after': 'training', 'warm_start': False,
                   'incoming_dir': '/data/incoming'}


def test_incoming_dir_is_made_absolute_unless_a_url(monkeypatch, tmp_path):
  monkeypatch.chdir(tmp_path)
  assert run_knobs.knobs_from_env({'INCOMING_DIR': 'incoming'})['incoming_dir'] == str(
      tmp_path / 'incoming')
  assert run_knobs.knobs_from_env(
      {'INCOMING_DIR': 'gs://bucket/incoming'})['incoming_dir'] == 'gs://bucket/incoming'


def test_unclear_warm_start_is_refused():
  with pytest.raises(ValueError, match='WARM_START'):
    run_knobs.knobs_from_env({'WARM_START': 'maybe'})
