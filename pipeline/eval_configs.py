"""TFMA EvalConfigs of the two gates, built from the thresholds in configs.py.

The SavedModel gate compares the candidate with the last blessed model; the int8 gate
compares the int8 TFLite model with this run's fp32 TFLite model, because TFMA cannot
compare a TFLite candidate with a SavedModel baseline.
"""
import tensorflow_model_analysis as tfma

from components.sample_quality import metrics
from pipeline.configs import GateThresholds

_LOWER, _HIGHER = tfma.MetricDirection.LOWER_IS_BETTER, tfma.MetricDirection.HIGHER_IS_BETTER


def _threshold(direction, bound, change):
  value = (tfma.GenericValueThreshold(upper_bound={'value': bound}) if direction == _LOWER
           else tfma.GenericValueThreshold(lower_bound={'value': bound}))
  # For LOWER_IS_BETTER a change passes when candidate - baseline <= absolute; for
  # HIGHER_IS_BETTER when candidate - baseline >= absolute.
  return tfma.MetricThreshold(
      value_threshold=value,
      change_threshold=tfma.GenericChangeThreshold(direction=direction,
                                                   absolute={'value': change}))


def _metric(metric_class, threshold):
  return tfma.MetricConfig(class_name=metric_class.__name__, module=metrics.__name__,
                           threshold=threshold)


def _config(model_specs, gate: GateThresholds, conditional: bool, max_fid_increase: float,
            max_class_accuracy_drop: float) -> tfma.EvalConfig:
  configs = [
      _metric(metrics.FrechetDistance, _threshold(_LOWER, gate.max_fid, max_fid_increase)),
      _metric(metrics.MnistScore, tfma.MetricThreshold(value_threshold=tfma.GenericValueThreshold(
          lower_bound={'value': gate.min_mnist_score}))),
  ]
  if conditional:  # an unconditional G ignores the requested label
    configs.append(_metric(metrics.ClassAccuracy, _threshold(
        _HIGHER, gate.min_class_accuracy, -max_class_accuracy_drop)))
  return tfma.EvalConfig(model_specs=model_specs,
                         metrics_specs=[tfma.MetricsSpec(metrics=configs)],
                         slicing_specs=[tfma.SlicingSpec()])


def saved_model_gate(gate: GateThresholds, conditional: bool) -> tfma.EvalConfig:
  specs = [tfma.ModelSpec(name='candidate', signature_name='serving_default',
                          prediction_key='images'),
           tfma.ModelSpec(name='baseline', signature_name='serving_default',
                          prediction_key='images', is_baseline=True)]
  return _config(specs, gate, conditional, gate.max_fid_increase, gate.max_class_accuracy_drop)


def int8_gate(gate: GateThresholds, conditional: bool) -> tfma.EvalConfig:
  specs = [tfma.ModelSpec(name='candidate', model_type=tfma.TF_LITE),
           tfma.ModelSpec(name='baseline', model_type=tfma.TF_LITE, is_baseline=True)]
  return _config(specs, gate, conditional, gate.int8_max_fid_increase,
                 gate.int8_max_class_accuracy_drop)
