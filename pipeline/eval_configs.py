"""TFMA EvalConfigs of the gates, built from the thresholds in configs.py.

The SavedModel gate compares the candidate with the baseline release; the int8 gate (and
any TFLite variant's) compares a TFLite model with this run's fp32 TFLite model, because
TFMA cannot compare a TFLite candidate with a SavedModel baseline.

Each sample-quality metric gets two kinds of threshold (docs/gate.md):
- a value threshold: the fixed outer bound from GateThresholds, plus a factor of the floor
  (floor_thresholds.FACTOR_KEY in the metric's config). The floor is measured by the
  ClassifierTrainer with this run's classifier and only known at run time, so the Evaluator
  turns the factor into a concrete bound then (components/sample_quality/floor_thresholds.py);
- a change threshold against the baseline: relative for FID, absolute points for class
  accuracy (the MNIST score has only its floor-tied bound: its spread is 0.3%).
"""
import json

import tensorflow_model_analysis as tfma

from components.sample_quality import floor_thresholds
from components.sample_quality import metrics
from formats import generator_spec
from pipeline.configs import GateThresholds

_LOWER, _HIGHER = tfma.MetricDirection.LOWER_IS_BETTER, tfma.MetricDirection.HIGHER_IS_BETTER


def _value(direction, bound):
  return (tfma.GenericValueThreshold(upper_bound={'value': bound}) if direction == _LOWER
          else tfma.GenericValueThreshold(lower_bound={'value': bound}))


def _metric(metric_class, direction, bound, floor_factor, change=None, relative=None):
  """`change` / `relative`: TFMA's GenericChangeThreshold fields, candidate - baseline and
  (candidate - baseline) / baseline. LOWER_IS_BETTER passes when the change is <= them,
  HIGHER_IS_BETTER when >= them (so drops are negative numbers)."""
  threshold = tfma.MetricThreshold(value_threshold=_value(direction, bound))
  if change is not None or relative is not None:
    change_threshold = tfma.GenericChangeThreshold(direction=direction)
    if change is not None:
      change_threshold.absolute.value = change
    if relative is not None:
      change_threshold.relative.value = relative
    threshold.change_threshold.CopyFrom(change_threshold)
  return tfma.MetricConfig(class_name=metric_class.__name__, module=metrics.__name__,
                           config=json.dumps({floor_thresholds.FACTOR_KEY: floor_factor}),
                           threshold=threshold)


def _config(model_specs, gate: GateThresholds, conditional: bool, max_fid_increase,
            max_class_accuracy_drop) -> tfma.EvalConfig:
  configs = [
      _metric(metrics.FrechetDistance, _LOWER, gate.max_fid, gate.max_fid_over_floor,
              relative=max_fid_increase),
      _metric(metrics.MnistScore, _HIGHER, gate.min_mnist_score, gate.min_mnist_score_of_floor),
  ]
  if conditional:  # an unconditional G ignores the requested label
    configs.append(_metric(metrics.ClassAccuracy, _HIGHER, gate.min_class_accuracy,
                           gate.min_class_accuracy_of_floor, change=-max_class_accuracy_drop))
  # Recorded, not gated: says whether an FID gap is fidelity or diversity (docs/quality.md).
  configs.append(tfma.MetricConfig(class_name=metrics.PrecisionRecall.__name__,
                                   module=metrics.__name__))
  return tfma.EvalConfig(model_specs=model_specs,
                         metrics_specs=[tfma.MetricsSpec(metrics=configs)],
                         slicing_specs=[tfma.SlicingSpec()])


def saved_model_gate(gate: GateThresholds, conditional: bool) -> tfma.EvalConfig:
  specs = [tfma.ModelSpec(name='candidate', signature_name=generator_spec.SERVING_SIGNATURE,
                          prediction_key=generator_spec.IMAGES_OUTPUT),
           tfma.ModelSpec(name='baseline', signature_name=generator_spec.SERVING_SIGNATURE,
                          prediction_key=generator_spec.IMAGES_OUTPUT, is_baseline=True)]
  return _config(specs, gate, conditional, gate.max_fid_increase,
                 gate.max_class_accuracy_drop)


def int8_gate(gate: GateThresholds, conditional: bool) -> tfma.EvalConfig:
  specs = [tfma.ModelSpec(name='candidate', model_type=tfma.TF_LITE),
           tfma.ModelSpec(name='baseline', model_type=tfma.TF_LITE, is_baseline=True)]
  return _config(specs, gate, conditional, gate.int8_max_fid_increase,
                 gate.int8_max_class_accuracy_drop)
