"""Mergeable sufficient statistics behind the sample-quality metrics, in plain NumPy.

Every statistic is a sum over examples, so partial results from any number of Beam workers
merge by addition and the final figure does not depend on how the data was split.

It lives in models/ (not beside the TFMA metrics in components/sample_quality/) because the
ClassifierTrainer measures the gate's floor (real vs real) with exactly this code, and
models/ must not import components/.
"""
import dataclasses
from typing import Optional

import numpy as np
from scipy import linalg


@dataclasses.dataclass
class Moments:
  """Count, sum and sum of outer products of feature vectors: a Gaussian's sufficient stats."""
  count: int = 0
  total: Optional[np.ndarray] = None
  outer: Optional[np.ndarray] = None

  def add(self, features: np.ndarray) -> 'Moments':
    features = np.asarray(features, np.float64)
    if self.total is None:
      dim = features.shape[1]
      self.total, self.outer = np.zeros(dim), np.zeros((dim, dim))
    self.count += features.shape[0]
    self.total += features.sum(axis=0)
    self.outer += features.T @ features
    return self

  def merge(self, other: 'Moments') -> 'Moments':
    if other.count:
      if self.total is None:
        self.total, self.outer = np.zeros_like(other.total), np.zeros_like(other.outer)
      self.count += other.count
      self.total += other.total
      self.outer += other.outer
    return self

  def mean_and_covariance(self):
    """Sample mean and unbiased covariance (the estimator the FID reference code uses)."""
    if self.count < 2:
      raise ValueError(f'need at least 2 feature vectors, got {self.count}')
    mean = self.total / self.count
    covariance = (self.outer - self.count * np.outer(mean, mean)) / (self.count - 1)
    return mean, covariance


def frechet_distance(a: Moments, b: Moments) -> float:
  """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), as in Heusel et al. (2017)."""
  mu_a, sigma_a = a.mean_and_covariance()
  mu_b, sigma_b = b.mean_and_covariance()
  covmean, _ = linalg.sqrtm(sigma_a @ sigma_b, disp=False)
  if not np.isfinite(covmean).all():
    # Near-singular product: regularise as the reference implementation does.
    offset = np.eye(sigma_a.shape[0]) * 1e-6
    covmean = linalg.sqrtm((sigma_a + offset) @ (sigma_b + offset))
  covmean = np.real(covmean)
  diff = mu_a - mu_b
  return float(diff @ diff + np.trace(sigma_a) + np.trace(sigma_b) - 2 * np.trace(covmean))


@dataclasses.dataclass
class ClassProbabilitySums:
  """Sums for the Inception/MNIST score: sum_x p(y|x) and sum_x sum_y p log p."""
  count: int = 0
  probability_sum: Optional[np.ndarray] = None
  negative_entropy_sum: float = 0.0

  def add(self, probabilities: np.ndarray) -> 'ClassProbabilitySums':
    p = np.asarray(probabilities, np.float64)
    if self.probability_sum is None:
      self.probability_sum = np.zeros(p.shape[1])
    self.count += p.shape[0]
    self.probability_sum += p.sum(axis=0)
    self.negative_entropy_sum += float(np.sum(p * np.log(np.clip(p, 1e-30, None))))
    return self

  def merge(self, other: 'ClassProbabilitySums') -> 'ClassProbabilitySums':
    if other.count:
      if self.probability_sum is None:
        self.probability_sum = np.zeros_like(other.probability_sum)
      self.count += other.count
      self.probability_sum += other.probability_sum
      self.negative_entropy_sum += other.negative_entropy_sum
    return self

  def score(self) -> float:
    """exp(E_x KL(p(y|x) || p(y))): 1 for constant predictions, the class count at best.

    E_x KL = E_x sum_y p log p - sum_y p(y) log p(y), with p(y) the mean prediction. Computed
    over all N samples at once (no splits), so it is exact for the sums kept here.
    """
    if not self.count:
      raise ValueError('no samples')
    marginal = self.probability_sum / self.count
    marginal_entropy = -np.sum(marginal * np.log(np.clip(marginal, 1e-30, None)))
    return float(np.exp(self.negative_entropy_sum / self.count + marginal_entropy))


def softmax(logits: np.ndarray) -> np.ndarray:
  shifted = logits - logits.max(axis=1, keepdims=True)
  exp = np.exp(shifted)
  return exp / exp.sum(axis=1, keepdims=True)
