"""Floor-tied value thresholds: "FID <= k x floor" made concrete once the floor is known.

pipeline/eval_configs.py writes a factor `k` into the config of each sample-quality metric
(FACTOR_KEY); the metric's value threshold holds the fixed outer bound. At run time the
Evaluator reads the floor its classifier was exported with (models/gate_floor.py) and
`apply()` tightens each bound to the floor's multiple: upper bounds (FID) to
min(bound, k x floor), lower bounds (MNIST score, class accuracy) to max(bound, k x floor).
The factor key is removed, since TFMA passes a metric's config to its constructor.

`properties()` is what every evaluation records (ModelEvaluation custom properties and
GATE_FILE in its folder): the floor and the bounds actually applied.
"""
import json
from typing import Dict, Tuple

import tensorflow_model_analysis as tfma

from components.sample_quality import metrics

FACTOR_KEY = 'floor_factor'
GATE_FILE = 'gate_thresholds.json'
# ModelEvaluation custom properties: floor_<metric>, floor_num_samples, and per metric
# min_<metric> or max_<metric>, the concrete value threshold the gate applied.
FLOOR_PROPERTY = 'floor_{}'
FLOOR_NUM_SAMPLES_PROPERTY = 'floor_num_samples'


def _metric_name(metric: tfma.MetricConfig, config: dict) -> str:
  return config.get('name') or getattr(metrics, metric.class_name).default_name


def metric_config(metric: tfma.MetricConfig) -> dict:
  """A metric's `config` as a dict (TFMA also accepts it without the outer braces)."""
  text = metric.config.strip() or '{}'
  return json.loads(text if text.startswith('{') else '{' + text + '}')


def has_factors(eval_config: tfma.EvalConfig) -> bool:
  return any(metric.module == metrics.__name__ and FACTOR_KEY in metric_config(metric)
             for spec in eval_config.metrics_specs for metric in spec.metrics)


def apply(eval_config: tfma.EvalConfig,
          floor: Dict[str, float]) -> Tuple[tfma.EvalConfig, Dict[str, float]]:
  """A copy of `eval_config` with concrete floor-tied bounds, and {min_/max_<metric>: bound}."""
  result = tfma.EvalConfig()
  result.CopyFrom(eval_config)
  applied = {}
  for spec in result.metrics_specs:
    for metric in spec.metrics:
      if metric.module != metrics.__name__:
        continue
      config = metric_config(metric)
      if FACTOR_KEY not in config:
        continue
      factor = float(config.pop(FACTOR_KEY))
      metric.config = json.dumps(config)
      name = _metric_name(metric, config)
      if name not in floor:
        raise ValueError(f'metric {name!r} has a floor factor but the floor has no {name!r}: '
                         f'{sorted(floor)}')
      value = metric.threshold.value_threshold
      if value.HasField('upper_bound'):
        value.upper_bound.value = min(value.upper_bound.value, factor * floor[name])
        applied[f'max_{name}'] = value.upper_bound.value
      elif value.HasField('lower_bound'):
        value.lower_bound.value = max(value.lower_bound.value, factor * floor[name])
        applied[f'min_{name}'] = value.lower_bound.value
      else:
        raise ValueError(f'metric {name!r} has a floor factor but no value threshold bound '
                         'to tie to the floor')
  return result, applied


def properties(floor: Dict[str, float], applied: Dict[str, float]) -> Dict[str, float]:
  """What an evaluation records: floor_<metric>, floor_num_samples and the applied bounds."""
  result = {FLOOR_PROPERTY.format(k): float(v) for k, v in floor.items() if k != 'num_samples'}
  result[FLOOR_NUM_SAMPLES_PROPERTY] = int(floor['num_samples'])
  result.update(applied)
  return result
