"""TFMA metrics of generated digits, scored by the pipeline's own MNIST classifier.

Each eval example carries a real `image`, the requested `label` and the generator's input
`noise`; the model under evaluation (SavedModel or TFLite) turns noise and label into the
prediction, a generated image. The combiners run the classifier on generated (and, for FID,
real) images in batches and keep only mergeable sums (statistics.py), so the same code runs
on any Beam runner at any scale. Fréchet distance is biased at small N: compare only at
equal sample counts. Precision and recall are the exception to "only sums": the k-NN
manifolds need every embedding (models/manifold_metrics.py keeps them, 5 MB per side at
N = 10,000); one metric computes both from one classifier pass.
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
from models import manifold_metrics
from models import sample_statistics as statistics

FID_NAME = 'fid'
MNIST_SCORE_NAME = 'mnist_score'
CLASS_ACCURACY_NAME = 'class_accuracy'
PRECISION_NAME = 'precision'
RECALL_NAME = 'recall'
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

  def __init__(self, keys: List[metric_types.MetricKey], classifier_path: str, metric):
    self._keys = keys  # one per value the metric's result returns
    self._key = keys[0]
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
    result = self._metric.result(accumulator.stats)
    return dict(zip(self._keys, result if len(self._keys) > 1 else [result]))


class _SampleQualityMetric(tfma.metrics.Metric):
  """Common plumbing: one key per model, the classifier path from the metric config."""

  needs_real = False
  default_name = ''
  output_names = ()  # several values from one combiner: their key names (else `name`)

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
      keys = [metric_types.MetricKey(name=n, model_name=model_name)
              for n in self.output_names or [name]]
      computations.append(metric_types.MetricComputation(
          keys=keys, preprocessors=[preprocessor],
          combiner=_ClassifierCombiner(keys, classifier_path, type(self))))
    return computations

  @property
  def compute_confidence_interval(self) -> bool:
    return False  # these are distribution-level statistics, not per-example averages


class _RealVsFakeMetric(_SampleQualityMetric):
  """Folds the embeddings of generated and real images into one `side_stats` each."""
  needs_real = True
  side_stats = None  # a class with add(features) and merge(other)

  @classmethod
  def new_stats(cls):
    return {'fake': cls.side_stats(), 'real': cls.side_stats()}

  @staticmethod
  def update(stats, fake_logits, fake_embedding, real_embedding, labels):
    stats['fake'].add(fake_embedding)
    stats['real'].add(real_embedding)

  @staticmethod
  def merge(stats, other):
    stats['fake'].merge(other['fake'])
    stats['real'].merge(other['real'])


class FrechetDistance(_RealVsFakeMetric):
  """FID: Fréchet distance of generated vs real eval images in the classifier's embedding."""
  default_name = FID_NAME
  side_stats = statistics.Moments

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


class PrecisionRecall(_RealVsFakeMetric):
  """Precision (fidelity) and recall (diversity) of generated vs real eval images: k-NN
  manifolds (k=3, Kynkäänniemi et al. 2019) in the classifier's embedding."""
  default_name = 'precision_recall'
  output_names = (PRECISION_NAME, RECALL_NAME)
  side_stats = manifold_metrics.FeatureBank

  @staticmethod
  def result(stats):
    real, fake = stats['real'].array(), stats['fake'].array()
    if min(len(real), len(fake)) <= manifold_metrics.NEIGHBOURS:
      # Undefined with no k-th neighbour; recorded as NaN (not gated), like an empty
      # class accuracy, rather than failing an evaluation run with EVAL_SAMPLES < 4.
      return float('nan'), float('nan')
    return manifold_metrics.precision_recall(real, fake)


for _metric in (FrechetDistance, MnistScore, ClassAccuracy, PrecisionRecall):
  metric_types.register_metric(_metric)
