"""Precision and recall of generated samples (Kynkäänniemi et al. 2019), in plain NumPy.

Each set of feature vectors (the classifier's embedding of real and of generated images)
estimates its manifold as the union of balls around its points, each ball's radius the
distance to that point's k-th nearest neighbour in the same set (k = 3 as in the paper).

  precision = share of generated samples inside the real manifold   (fidelity)
  recall    = share of real samples inside the generated manifold   (diversity)

FID folds both into one number; these two say which of them is missing. Unlike FID's
moments they are not sums: they need every feature vector of both sets, so `FeatureBank`
keeps them (N x 128 float32 = 5 MB per side at N = 10,000) and merges by concatenation.

Distances are computed in row chunks, never as one N x N matrix (10,000 x 10,000 float32 is
400 MB): each chunk is at most about `_CHUNK_ELEMENTS` floats. TF-free so that benches and
the TFMA metrics (components/sample_quality/metrics.py) share it.
"""
from typing import List, Optional, Tuple

import numpy as np

NEIGHBOURS = 3  # k of the paper's headline figures
_CHUNK_ELEMENTS = 1 << 24  # floats per distance block: 64 MB in float32


class FeatureBank:
  """All feature vectors added so far; mergeable by concatenation (Beam accumulators)."""

  def __init__(self):
    self._parts: List[np.ndarray] = []

  def add(self, features: np.ndarray) -> 'FeatureBank':
    features = np.asarray(features, np.float32)
    if features.ndim != 2:
      raise ValueError(f'features must be [count, dim], got shape {features.shape}')
    if features.shape[0]:
      self._parts.append(features)
    return self

  def merge(self, other: 'FeatureBank') -> 'FeatureBank':
    self._parts.extend(other._parts)  # pylint: disable=protected-access
    return self

  def array(self) -> np.ndarray:
    if not self._parts:
      return np.zeros((0, 0), np.float32)
    if len(self._parts) > 1:  # keep one block, so repeated reads do not copy again
      self._parts = [np.concatenate(self._parts)]
    return self._parts[0]


def _checked(name: str, features: np.ndarray, k: int) -> np.ndarray:
  features = np.asarray(features, np.float32)
  if features.ndim != 2:
    raise ValueError(f'{name}: features must be [count, dim], got shape {features.shape}')
  if features.shape[0] <= k:
    raise ValueError(f'{name}: need more than k={k} feature vectors for k-NN radii, got '
                     f'{features.shape[0]}')
  if not np.isfinite(features).all():
    raise ValueError(f'{name}: features contain NaN or Inf')
  return features


def _rows_per_chunk(columns: int, chunk_elements: int) -> int:
  return max(1, chunk_elements // max(1, columns))


def _squared_distances(a: np.ndarray, b: np.ndarray, b_norms: np.ndarray) -> np.ndarray:
  """||a_i - b_j||^2 for a block of rows a; float32 BLAS, clipped at 0 (rounding)."""
  a_norms = np.einsum('ij,ij->i', a, a)
  squared = a_norms[:, None] + b_norms[None, :] - 2.0 * (a @ b.T)
  return np.maximum(squared, 0.0, out=squared)


def knn_squared_radii(features: np.ndarray, k: int = NEIGHBOURS,
                      chunk_elements: int = _CHUNK_ELEMENTS) -> np.ndarray:
  """Squared distance from each vector to its k-th nearest neighbour in the same set.

  The point itself is at distance 0 and counts as neighbour 0, as in the authors' code, so
  the k-th neighbour is index k of the sorted row.
  """
  features = _checked('features', features, k)
  norms = np.einsum('ij,ij->i', features, features)
  radii = np.empty(len(features), np.float32)
  rows = _rows_per_chunk(len(features), chunk_elements)
  for start in range(0, len(features), rows):
    block = _squared_distances(features[start:start + rows], features, norms)
    radii[start:start + rows] = np.partition(block, k, axis=1)[:, k]
  return radii


def share_inside(queries: np.ndarray, references: np.ndarray, squared_radii: np.ndarray,
                 chunk_elements: int = _CHUNK_ELEMENTS) -> float:
  """Share of `queries` within the radius of at least one reference point."""
  norms = np.einsum('ij,ij->i', references, references)
  rows = _rows_per_chunk(len(references), chunk_elements)
  inside = 0
  for start in range(0, len(queries), rows):
    block = _squared_distances(queries[start:start + rows], references, norms)
    inside += int(np.count_nonzero((block <= squared_radii[None, :]).any(axis=1)))
  return inside / len(queries)


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = NEIGHBOURS,
                     chunk_elements: Optional[int] = None) -> Tuple[float, float]:
  """(precision, recall) of `fake` against `real`, both [count, dim] feature arrays."""
  chunk_elements = chunk_elements or _CHUNK_ELEMENTS
  real, fake = _checked('real', real, k), _checked('fake', fake, k)
  if real.shape[1] != fake.shape[1]:
    raise ValueError(f'real and fake features differ in dimension: {real.shape[1]} vs '
                     f'{fake.shape[1]}')
  precision = share_inside(fake, real, knn_squared_radii(real, k, chunk_elements),
                           chunk_elements)
  recall = share_inside(real, fake, knn_squared_radii(fake, k, chunk_elements),
                        chunk_elements)
  return precision, recall
