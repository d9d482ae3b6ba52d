"""SampleQualityEvaluator: TFX's Evaluator plus the classifier its metrics score with.

The sample-quality metrics need the pipeline's MNIST classifier, whose path is known only
at run time. This component adds a `classifier` input to the standard Evaluator and, before
running the standard executor (blessing, thresholds and baseline comparison unchanged),
writes the classifier's path into the config of every metric from metrics.py.

Its blessing is a `SavedModelBlessing` or, with a TFLite candidate, a `TFLiteModelBlessing`
(artifacts.py), never a `tfx.ModelBlessing`: that type is the pushed release's, which the
latest-blessed-model query (the baseline) follows.
"""
import json
import os
from typing import Optional

from absl import logging
import tensorflow as tf

import tensorflow_model_analysis as tfma
from tfx import types
from tfx.components.evaluator import executor as evaluator_executor
from tfx.dsl.components.base import base_beam_component
from tfx.dsl.components.base import executor_spec
from tfx.types import artifact_utils
from tfx.types import component_spec
from tfx.types import standard_artifacts
from tfx.types import standard_component_specs
from tfx.utils import path_utils
from tfx.utils import proto_utils

from components.sample_quality import artifacts
from components.sample_quality import floor_thresholds
from components.sample_quality import metrics
from models import gate_floor

CLASSIFIER_KEY = 'classifier'


def with_classifier_path(eval_config: tfma.EvalConfig, classifier_path: str) -> tfma.EvalConfig:
  """A copy of `eval_config` whose sample-quality metrics use `classifier_path`."""
  result = tfma.EvalConfig()
  result.CopyFrom(eval_config)
  for spec in result.metrics_specs:
    for metric in spec.metrics:
      if metric.module != metrics.__name__:
        continue
      config = floor_thresholds.metric_config(metric)
      config['classifier_path'] = classifier_path
      metric.config = json.dumps(config)
  return result


def _evaluated_samples(examples) -> int:
  """N of the eval examples, as GeneratorEvalExamples recorded it."""
  [artifact] = examples
  if 'num_samples' not in artifact.mlmd_artifact.custom_properties:
    raise ValueError(f'eval examples {artifact.uri} have no num_samples custom property '
                     '(written by GeneratorEvalExamples): cannot check the floor was measured '
                     'at the same N')
  return artifact.get_int_custom_property('num_samples')


def floor_for(classifier_dir: str, num_samples: int) -> dict:
  """The classifier's floor; an error naming both N when it was measured at another N."""
  floor = gate_floor.read(classifier_dir, gfile=tf.io.gfile)
  if floor['num_samples'] != num_samples:
    raise ValueError(
        f'the gate floor {os.path.join(classifier_dir, gate_floor.FLOOR_FILE)} was measured '
        f'at N={floor["num_samples"]} per side, but this evaluation scores N={num_samples} '
        'samples; FID is biased by N, so floor-tied thresholds need equal N: give the '
        'ClassifierTrainer custom_config floor_samples equal to eval_samples (and an eval '
        'split at least that large)')
  return floor


class Executor(evaluator_executor.Executor):
  """The standard Evaluator executor, after filling in the classifier path and the
  floor-tied bounds; records the floor and the bounds with the evaluation."""

  def Do(self, input_dict, output_dict, exec_properties):
    classifier_dir = path_utils.serving_model_path(
        artifact_utils.get_single_uri(input_dict.pop(CLASSIFIER_KEY)))
    eval_config = tfma.EvalConfig()
    proto_utils.json_to_proto(exec_properties[standard_component_specs.EVAL_CONFIG_KEY],
                              eval_config)
    eval_config = with_classifier_path(eval_config, classifier_dir)
    recorded = None
    if floor_thresholds.has_factors(eval_config):
      floor = floor_for(classifier_dir,
                        _evaluated_samples(input_dict[standard_component_specs.EXAMPLES_KEY]))
      eval_config, applied = floor_thresholds.apply(eval_config, floor)
      recorded = floor_thresholds.properties(floor, applied)
      logging.info('Gate floor %s; floor-tied value thresholds %s', floor, applied)
    exec_properties = dict(exec_properties)
    exec_properties[standard_component_specs.EVAL_CONFIG_KEY] = proto_utils.proto_to_json(
        eval_config)
    super().Do(input_dict, output_dict, exec_properties)
    if recorded is not None:
      [evaluation] = output_dict[standard_component_specs.EVALUATION_KEY]
      for key, value in recorded.items():
        if isinstance(value, int):
          evaluation.set_int_custom_property(key, value)
        else:
          evaluation.set_float_custom_property(key, value)
      with tf.io.gfile.GFile(os.path.join(evaluation.uri, floor_thresholds.GATE_FILE),
                             'w') as f:
        json.dump(recorded, f, indent=2)


class SampleQualityEvaluatorSpec(component_spec.ComponentSpec):
  PARAMETERS = standard_component_specs.EvaluatorSpec.PARAMETERS
  INPUTS = {
      **standard_component_specs.EvaluatorSpec.INPUTS,
      CLASSIFIER_KEY: component_spec.ChannelParameter(type=standard_artifacts.Model),
  }
  OUTPUTS = dict(standard_component_specs.EvaluatorSpec.OUTPUTS, **{
      standard_component_specs.BLESSING_KEY: component_spec.ChannelParameter(
          type=artifacts.SavedModelBlessing)})


class TFLiteSampleQualityEvaluatorSpec(SampleQualityEvaluatorSpec):
  OUTPUTS = dict(SampleQualityEvaluatorSpec.OUTPUTS, **{
      standard_component_specs.BLESSING_KEY: component_spec.ChannelParameter(
          type=artifacts.TFLiteModelBlessing)})


def evaluates_tflite(eval_config: tfma.EvalConfig) -> bool:
  """True when the candidate (the model that is blessed or not) is a TFLite model."""
  return any(spec.model_type == tfma.TF_LITE for spec in eval_config.model_specs
             if not spec.is_baseline)


class SampleQualityEvaluator(base_beam_component.BaseBeamComponent):
  """Evaluates a generator (SavedModel or TFLite) on GeneratorEvalExamples.

  Args:
    examples: eval examples with `image`, `label` and `noise` features.
    model: the candidate generator.
    classifier: the MNIST classifier the metrics score with.
    schema: the eval examples' schema (fixed feature shapes for the model inputs).
    eval_config: TFMA config with thresholds; without thresholds nothing is blessed. With a
      TFLite candidate (`model_type` tf_lite) the `blessing` is a TFLiteModelBlessing.
    baseline_model: optional; change thresholds compare against it.
    module_path: optional module with TFX Evaluator hooks (`custom_eval_shared_model`).
  """

  SPEC_CLASS = SampleQualityEvaluatorSpec
  EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(Executor)

  def __init__(self, examples: types.BaseChannel, model: types.BaseChannel,
               classifier: types.BaseChannel, schema: types.BaseChannel,
               eval_config: tfma.EvalConfig,
               baseline_model: Optional[types.BaseChannel] = None,
               module_path: Optional[str] = None):
    spec_class = (TFLiteSampleQualityEvaluatorSpec if evaluates_tflite(eval_config)
                  else SampleQualityEvaluatorSpec)
    blessing_type = spec_class.OUTPUTS[standard_component_specs.BLESSING_KEY].type
    super().__init__(spec=spec_class(
        examples=examples, model=model, baseline_model=baseline_model,
        classifier=classifier, schema=schema, eval_config=eval_config,
        example_splits=json.dumps(['eval']), module_path=module_path,
        evaluation=types.Channel(type=standard_artifacts.ModelEvaluation),
        blessing=types.Channel(type=blessing_type)))
