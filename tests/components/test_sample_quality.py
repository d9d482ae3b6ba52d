"""Sample-quality metric math against direct NumPy/SciPy, and the metrics inside TFMA."""
import os

import numpy as np
import pytest
from scipy import linalg
import tensorflow as tf
import tensorflow_model_analysis as tfma

from components.sample_quality import metrics
from formats import examples
from models import sample_statistics as statistics


def _direct_fid(a, b):
  mu_a, mu_b = a.mean(0), b.mean(0)
  s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  covmean = np.real(linalg.sqrtm(s_a @ s_b))
  return float(np.sum((mu_a - mu_b) ** 2) + np.trace(s_a + s_b - 2 * covmean))


def test_fid_from_merged_moments_matches_direct_computation():
  rng = np.random.default_rng(0)
  a = rng.normal(size=(600, 16))
  b = rng.normal(0.5, 1.5, size=(500, 16)) @ rng.normal(size=(16, 16)) * 0.3
  # Accumulate in uneven chunks and merge, as Beam workers would.
  moments_a = statistics.Moments().add(a[:100]).merge(statistics.Moments().add(a[100:]))
  moments_b = statistics.Moments()
  for chunk in np.array_split(b, 7):
    moments_b.merge(statistics.Moments().add(chunk))
  assert statistics.frechet_distance(moments_a, moments_b) == pytest.approx(
      _direct_fid(a, b), rel=1e-6)
  assert statistics.frechet_distance(moments_a, moments_a) == pytest.approx(0, abs=1e-6)


def test_mnist_score_matches_direct_computation_and_bounds():
  rng = np.random.default_rng(1)
  p = statistics.softmax(rng.normal(size=(300, 10)) * 3)
  marginal = p.mean(0)
  direct = np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1)))
  merged = statistics.ClassProbabilitySums().add(p[:123]).merge(
      statistics.ClassProbabilitySums().add(p[123:]))
  assert merged.score() == pytest.approx(direct, rel=1e-9)
  confident_balanced = np.eye(10)[np.arange(1000) % 10]
  assert statistics.ClassProbabilitySums().add(confident_balanced).score() == pytest.approx(10)
  constant = np.tile(statistics.softmax(rng.normal(size=(1, 10))), (50, 1))
  assert statistics.ClassProbabilitySums().add(constant).score() == pytest.approx(1)


class _StandInClassifier(tf.Module):
  """A fixed random projection: enough to exercise the metric plumbing."""

  def __init__(self):
    super().__init__()
    rng = np.random.default_rng(2)
    self.embed_w = tf.constant(rng.normal(size=(784, 8)), tf.float32)
    self.logit_w = tf.constant(rng.normal(size=(8, 10)), tf.float32)

  @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32, name='images')])
  def serve(self, images):
    embedding = tf.tanh(tf.reshape(images, [-1, 784]) @ self.embed_w / 10.0)
    return {'embedding': embedding, 'logits': embedding @ self.logit_w * 5.0}


@pytest.fixture(scope='module')
def classifier_path(tmp_path_factory):
  path = str(tmp_path_factory.mktemp('classifier'))
  module = _StandInClassifier()
  tf.saved_model.save(module, path, signatures={'serving_default': module.serve})
  return path


def _evaluate(tmp_path, classifier_path, images, generated, labels,
              metric_classes=(metrics.FrechetDistance, metrics.MnistScore, metrics.ClassAccuracy)):
  tmp_path.mkdir()
  data = str(tmp_path / 'data.tfrecord')
  with tf.io.TFRecordWriter(data) as writer:
    for image, fake, label in zip(images, generated, labels):
      writer.write(tf.train.Example(features=tf.train.Features(feature={
          examples.IMAGE_FEATURE: tf.train.Feature(
              int64_list=tf.train.Int64List(value=image.reshape(-1))),
          examples.LABEL_FEATURE: tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
          'generated': tf.train.Feature(float_list=tf.train.FloatList(value=fake.reshape(-1))),
      })).SerializeToString())
  eval_config = tfma.EvalConfig(
      model_specs=[tfma.ModelSpec(prediction_key='generated')],
      metrics_specs=tfma.metrics.specs_from_metrics(
          [metric(classifier_path=classifier_path) for metric in metric_classes]),
      slicing_specs=[tfma.SlicingSpec()])
  result = tfma.run_model_analysis(eval_config=eval_config, data_location=data,
                                   output_path=str(tmp_path / 'eval'))
  [(_, by_output)] = result.slicing_metrics
  values = by_output['']['']
  return {name: values[name]['doubleValue'] for name in values if 'doubleValue' in values[name]}


def test_metrics_in_tfma_real_vs_real_and_vs_noise(tmp_path, classifier_path):
  rng = np.random.default_rng(3)
  n = 600
  images = (rng.random((n, 28, 28)) < 0.2).astype(np.int64) * 255  # sparse "ink"
  labels = rng.integers(0, 10, n)
  same = _evaluate(tmp_path / 'same', classifier_path, images, images / 255.0, labels)
  noise = _evaluate(tmp_path / 'noise', classifier_path, images, rng.random((n, 28, 28)), labels)
  assert same[metrics.FID_NAME] == pytest.approx(0, abs=1e-6)
  assert noise[metrics.FID_NAME] > 0.1
  assert 1 <= same[metrics.MNIST_SCORE_NAME] <= 10
  # Class accuracy counts agreement of the classifier with the requested label: by
  # construction the stand-in predicts the argmax of its logits; check against it directly.
  module = _StandInClassifier()
  logits = module.serve(tf.constant(images[..., None] / 255.0, tf.float32))['logits'].numpy()
  assert same[metrics.CLASS_ACCURACY_NAME] == pytest.approx(np.mean(logits.argmax(1) == labels))
