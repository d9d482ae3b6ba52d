"""The PrecisionRecall TFMA metric: both values from one combiner, equal to
models/manifold_metrics.py on the classifier's embeddings, and in the gates' EvalConfigs."""
import numpy as np
import pytest

from components.sample_quality import classifier_runner, metrics
from models import manifold_metrics
from pipeline import configs, eval_configs
from tests.components import test_sample_quality
from tests.components.test_sample_quality import classifier_path  # pylint: disable=unused-import


def test_precision_and_recall_in_tfma_match_the_numpy_estimate(tmp_path, classifier_path):
  rng = np.random.default_rng(7)
  n = 600
  images = (rng.random((n, 28, 28)) < 0.2).astype(np.int64) * 255  # sparse "ink"
  # A generator that dropped modes: a sixth of the real images, each three times, plus
  # noise for the other half.
  generated = np.concatenate([images[:n // 6] / 255.0] * 3 + [rng.random((n // 2, 28, 28))])
  got = test_sample_quality._evaluate(  # pylint: disable=protected-access
      tmp_path / 'eval', classifier_path, images, generated, np.zeros(n, np.int64),
      [metrics.PrecisionRecall])
  embed = lambda x: classifier_runner.classify(classifier_path, x[..., None])[1]
  precision, recall = manifold_metrics.precision_recall(embed(images / 255.0), embed(generated))
  assert precision > 0.9 and 0.3 < recall < 0.9  # a case that tells the two apart
  # The metric batches the classifier (256 images): float32 rounding may move a point on a
  # ball's edge, one image in n at most.
  assert got[metrics.PRECISION_NAME] == pytest.approx(precision, abs=1 / n)
  assert got[metrics.RECALL_NAME] == pytest.approx(recall, abs=1 / n)


def test_every_gate_records_precision_and_recall_without_a_threshold():
  for config in (eval_configs.saved_model_gate(configs.GATE, conditional=True),
                 eval_configs.int8_gate(configs.GATE, conditional=False)):
    [metric] = [m for m in config.metrics_specs[0].metrics
                if m.class_name == metrics.PrecisionRecall.__name__]
    assert metric.module == metrics.__name__ and not metric.HasField('threshold')


def test_too_few_samples_give_nan_not_a_failed_evaluation():
  stats = metrics.PrecisionRecall.new_stats()
  metrics.PrecisionRecall.update(stats, None, np.ones((3, 4)), np.zeros((3, 4)), None)
  assert all(np.isnan(v) for v in metrics.PrecisionRecall.result(stats))
