"""TFMA metrics of generated digits, scored by the pipeline's own MNIST classifier.

Each eval example carries a real `image`, the requested `label` and the generator's input
`noise`; the model under evaluation (SavedModel or TFLite) turns noise and label into the
prediction, a generated image. The combiners run the classifier on generated (and, for FID,
real) images in batches and keep only mergeable sums (statistics.py), so the same code runs
on any Beam runner at any scale. Fréchet distance is biased at small N: compare only at
equal sample counts.
"""
from typing import Any, Dict, Iterable, List, Optional

import apache_beam as beam
import numpy as np
import tensorflow_model_analysis as tfma
from tensorflow_model_analysis import constants
from tensorflow_model_analysis.metrics import metric_types

from components.sample_quality import classifier_runner
from formats import examples
from formats import generator_spec
from models import sample_statistics as statistics

FID_NAME = 'fid'
MNIST_SCORE_NAME = 'mnist_score'
CLASS_ACCURACY_NAME = 'class_accuracy'
_BATCH = 256


def _generated_image(element: metric_types.StandardMetricInputs, model_name: str) -> np.ndarray:
  prediction = element.prediction
  if isinstance(prediction, dict) and model_name in prediction:
    prediction = prediction[model_name]
  if isinstance(prediction, dict):  # a signature's named outputs
    output = generator_spec.IMAGES_OUTPUT
    prediction = prediction[output] if output in prediction else next(iter(prediction.values()))
  return np.asarray(prediction, np.float32).reshape(examples.MODEL_IMAGE_SHAPE)


class _Accumulator:
  """Images waiting for the classifier, plus the metric's sums so far."""

  def __init__(self, stats):
    self.fake, self.real, self.labels = [], [], []
    self.stats = stats


class _ClassifierCombiner(beam.CombineFn):
  """Buffers images, classifies them in batches, and folds the outputs into sums."""

  def __init__(self, key: metric_types.MetricKey, classifier_path: str, metric):
    self._key = key
    self._classifier_path = classifier_path
    self._metric = metric  # a _SampleQualityMetric subclass: its stats and result functions

  def create_accumulator(self) -> _Accumulator:
    return _Accumulator(self._metric.new_stats())

  def add_input(self, accumulator: _Accumulator,
                element: metric_types.StandardMetricInputs) -> _Accumulator:
    accumulator.fake.append(_generated_image(element, self._key.model_name))
    features = element.features
    if self._metric.needs_real:
      accumulator.real.append(examples.to_unit_images(features[examples.IMAGE_FEATURE])[0])
    accumulator.labels.append(int(np.asarray(features[examples.LABEL_FEATURE]).reshape(-1)[0]))
    if len(accumulator.fake) >= _BATCH:
      self._flush(accumulator)
    return accumulator

  def _flush(self, accumulator: _Accumulator) -> None:
    if not accumulator.fake:
      return
    fake_logits, fake_embedding = classifier_runner.classify(self._classifier_path,
                                                      np.stack(accumulator.fake))
    real_embedding = None
    if self._metric.needs_real:
      _, real_embedding = classifier_runner.classify(self._classifier_path, np.stack(accumulator.real))
    self._metric.update(accumulator.stats, fake_logits, fake_embedding, real_embedding,
                        np.asarray(accumulator.labels))
    accumulator.fake, accumulator.real, accumulator.labels = [], [], []

  def merge_accumulators(self, accumulators: Iterable[_Accumulator]) -> _Accumulator:
    accumulators = iter(accumulators)
    result = next(accumulators)
    for other in accumulators:
      self._flush(other)
      self._metric.merge(result.stats, other.stats)
    return result

  def compact(self, accumulator: _Accumulator) -> _Accumulator:
    self._flush(accumulator)
    return accumulator

  def extract_output(self, accumulator: _Accumulator) -> Dict[metric_types.MetricKey, Any]:
    self._flush(accumulator)
    return {self._key: self._metric.result(accumulator.stats)}


class _SampleQualityMetric(tfma.metrics.Metric):
  """Common plumbing: one key per model, the classifier path from the metric config."""

  needs_real = False
  default_name = ''

  def __init__(self, classifier_path: str = '', name: Optional[str] = None):
    super().__init__(self._computations, classifier_path=classifier_path,
                     name=name or self.default_name)

  def _computations(self, classifier_path: str, name: str, model_names: Optional[List[str]] = None,
                    **unused_kwargs) -> metric_types.MetricComputations:
    if not classifier_path:
      raise ValueError(f'metric {name!r}: classifier_path is not set (the evaluator fills it '
                       'in from the classifier artifact)')
    preprocessor = metric_types.StandardMetricInputsPreprocessor(
        include_filter={constants.FEATURES_KEY: {examples.IMAGE_FEATURE: {},
                                                 examples.LABEL_FEATURE: {}}},
        include_default_inputs=True)
    computations = []
    for model_name in model_names or ['']:
      key = metric_types.MetricKey(name=name, model_name=model_name)
      computations.append(metric_types.MetricComputation(
          keys=[key], preprocessors=[preprocessor],
          combiner=_ClassifierCombiner(key, classifier_path, type(self))))
    return computations

  @property
  def compute_confidence_interval(self) -> bool:
    return False  # these are distribution-level statistics, not per-example averages


class FrechetDistance(_SampleQualityMetric):
  """FID: Fréchet distance of generated vs real eval images in the classifier's embedding."""
  needs_real = True
  default_name = FID_NAME

  @staticmethod
  def new_stats():
    return {'fake': statistics.Moments(), 'real': statistics.Moments()}

  @staticmethod
  def update(stats, fake_logits, fake_embedding, real_embedding, labels):
    stats['fake'].add(fake_embedding)
    stats['real'].add(real_embedding)

  @staticmethod
  def merge(stats, other):
    stats['fake'].merge(other['fake'])
    stats['real'].merge(other['real'])

  @staticmethod
  def result(stats):
    return statistics.frechet_distance(stats['fake'], stats['real'])


class MnistScore(_SampleQualityMetric):
  """The classifier's Inception Score of generated images: 1 (useless) to 10 (best)."""
  default_name = MNIST_SCORE_NAME

  @staticmethod
  def new_stats():
    return statistics.ClassProbabilitySums()

  @staticmethod
  def update(stats, fake_logits, fake_embedding, real_embedding, labels):
    stats.add(statistics.softmax(fake_logits))

  @staticmethod
  def merge(stats, other):
    stats.merge(other)

  @staticmethod
  def result(stats):
    return stats.score()


class ClassAccuracy(_SampleQualityMetric):
  """Share of generated images the classifier reads as the requested digit."""
  default_name = CLASS_ACCURACY_NAME

  @staticmethod
  def new_stats():
    return {'correct': 0, 'count': 0}

  @staticmethod
  def update(stats, fake_logits, fake_embedding, real_embedding, labels):
    stats['correct'] += int(np.sum(np.argmax(fake_logits, axis=1) == labels))
    stats['count'] += len(labels)

  @staticmethod
  def merge(stats, other):
    stats['correct'] += other['correct']
    stats['count'] += other['count']

  @staticmethod
  def result(stats):
    return stats['correct'] / stats['count'] if stats['count'] else float('nan')


for _metric in (FrechetDistance, MnistScore, ClassAccuracy):
  metric_types.register_metric(_metric)
