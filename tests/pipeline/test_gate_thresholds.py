"""The gate's thresholds as TFMA applies them: floor-tied bounds made concrete at run time
(components/sample_quality/floor_thresholds.py), change thresholds against the baseline
(pipeline/eval_configs.py), checked with TFMA's own metrics validator on given values."""
import json

import pytest
from tensorflow_model_analysis.evaluators import metrics_validator
from tensorflow_model_analysis.metrics import metric_specs
from tensorflow_model_analysis.utils import config_util

from components.sample_quality import floor_thresholds
from components.sample_quality import metrics
from pipeline import configs
from pipeline import eval_configs

# The floor measured with the pipeline classifier of the full run in docs/presets.md (N = 10,000).
_FLOOR = {'fid': 1.83, 'mnist_score': 9.80, 'class_accuracy': 0.9934, 'num_samples': 10000}


def _gate_config(gate=None, conditional=True):
  config = eval_configs.saved_model_gate(gate or configs.GATE, conditional)
  return floor_thresholds.apply(config, _FLOOR)


def _validates(eval_config, candidate, baseline):
  """TFMA's own metrics validator on given metric values {name: value}, after the defaults
  the Evaluator fills in (model names on the metric specs)."""
  eval_config = config_util.update_eval_config_with_defaults(eval_config, has_baseline=True)
  values = {}
  for key in metric_specs.metric_thresholds_from_metrics_specs(eval_config.metrics_specs,
                                                                eval_config=eval_config):
    if key.is_diff:
      values[key] = candidate[key.name] - baseline[key.name]
      values[key.make_baseline_key('baseline')] = baseline[key.name]
    else:
      values[key] = candidate[key.name] if key.model_name == 'candidate' else baseline[key.name]
  return metrics_validator.validate_metrics(((), values), eval_config).validation_ok


def test_floor_factors_become_concrete_bounds_and_leave_the_metric_config():
  gate = configs.GATE
  config, applied = _gate_config()
  assert applied == pytest.approx({
      'max_fid': min(gate.max_fid, gate.max_fid_over_floor * _FLOOR['fid']),
      'min_mnist_score': max(gate.min_mnist_score,
                             gate.min_mnist_score_of_floor * _FLOOR['mnist_score']),
      'min_class_accuracy': max(gate.min_class_accuracy,
                                gate.min_class_accuracy_of_floor * _FLOOR['class_accuracy'])})
  assert not floor_thresholds.has_factors(config)
  # TFMA builds each metric from its config: the factor must not reach the constructor.
  for metric in config.metrics_specs[0].metrics:
    getattr(metrics, metric.class_name)(**json.loads(metric.config or '{}'))
  # A fixed outer bound wins over a looser floor multiple (a wrong floor cannot loosen it).
  _, applied = floor_thresholds.apply(eval_configs.saved_model_gate(gate, True),
                                      dict(_FLOOR, fid=1e3))
  assert applied['max_fid'] == gate.max_fid


def test_floor_without_a_metric_is_named():
  config = eval_configs.saved_model_gate(configs.GATE, True)
  with pytest.raises(ValueError, match="'mnist_score'"):
    floor_thresholds.apply(config, {'fid': 1.0, 'class_accuracy': 0.99, 'num_samples': 10})


def _accepted_chain(release, floor, fid_step, accuracy_step, runs=50):
  """Releases accepted in a row when each candidate is `fid_step` (relative) and
  `accuracy_step` (points) worse than the release before it, its baseline."""
  config, applied = floor_thresholds.apply(eval_configs.saved_model_gate(configs.GATE, True),
                                           floor)
  accepted = []
  for _ in range(runs):
    candidate = dict(release, fid=release['fid'] * (1 + fid_step),
                     class_accuracy=release['class_accuracy'] - accuracy_step)
    if not _validates(config, candidate, release):
      break
    accepted.append(candidate)
    release = candidate
  assert all(r['fid'] <= applied['max_fid'] for r in accepted)
  assert all(r['class_accuracy'] >= applied['min_class_accuracy'] for r in accepted)
  return accepted


# docs/gate.md: the generator and classifier (seed 0) of bench/gate_spread.py; the
# full run of docs/presets.md (FID 4.44 at floor 1.83, the best FID/floor measured).
_BENCH = ({'fid': 6.09, 'mnist_score': 9.707, 'class_accuracy': 0.9828},
          {'fid': 1.598, 'mnist_score': 9.799, 'class_accuracy': 0.9931, 'num_samples': 10000})
_README = ({'fid': 4.44, 'mnist_score': 9.75, 'class_accuracy': 0.9874},
           {'fid': 1.83, 'mnist_score': 9.80, 'class_accuracy': 0.9934, 'num_samples': 10000})


def test_drift_within_the_change_thresholds_is_stopped_by_the_floor_bounds():
  """Releases each just inside the change thresholds of the one before cannot go on for
  ever: the floor-tied bounds stop the chain within a few runs."""
  gate = configs.GATE
  step = gate.max_fid_increase * 0.99, gate.max_class_accuracy_drop * 0.99
  assert len(_accepted_chain(*_BENCH, *step)) <= 2
  assert len(_accepted_chain(*_README, *step)) <= 2
  # FID alone (class accuracy steady): the FID cap stops it too, later (docs/gate.md).
  assert len(_accepted_chain(*_README, step[0], 0.0)) <= 9
  # Each step on its own is inside the change thresholds: the floor, not they, stopped it.
  config, _ = _gate_config()
  release = _README[0]
  assert _validates(config, dict(release, fid=release['fid'] * (1 + step[0]),
                                 class_accuracy=release['class_accuracy'] - step[1]), release)


def test_change_thresholds_pass_the_noise_spread_and_refuse_more():
  """docs/gate.md: one model re-scored with other noise moved FID by up to 7.9% and class
  accuracy by up to 0.0034; a step beyond the thresholds is refused."""
  config, _ = _gate_config()
  baseline = _README[0]
  assert _validates(config, dict(baseline, fid=baseline['fid'] * 1.079,
                                 class_accuracy=baseline['class_accuracy'] - 0.0034), baseline)
  assert not _validates(config, dict(baseline, fid=baseline['fid'] * 1.12), baseline)
  assert not _validates(config, dict(baseline, class_accuracy=baseline['class_accuracy'] - 0.007),
                        baseline)


@pytest.mark.parametrize('field, value', [('max_fid_increase', -0.1),
                                          ('max_fid_over_floor', float('nan')),
                                          ('min_class_accuracy_of_floor', '0.98')])
def test_bad_threshold_is_named(field, value):
  with pytest.raises(ValueError, match=f'GateThresholds.{field} must be'):
    configs.GateThresholds(**{field: value})
