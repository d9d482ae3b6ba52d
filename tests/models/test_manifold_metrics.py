"""models/manifold_metrics.py: k-NN precision and recall on data whose answer is known, the
chunked distances against a brute-force reference, and refusals of unusable input."""
import numpy as np
import pytest
from scipy.spatial import distance

from models import manifold_metrics as mm


def _blob(rng, centre, count, dim=8, scale=1.0):
  return (rng.normal(size=(count, dim)) * scale + centre).astype(np.float32)


def _brute_force(real, fake, k):
  """The paper's definition written out on full distance matrices."""
  def radii(x):
    return np.sort(distance.cdist(x, x), axis=1)[:, k]  # index 0 is the point itself
  def share(queries, refs):
    return float(np.mean((distance.cdist(queries, refs) <= radii(refs)[None, :]).any(axis=1)))
  return share(fake, real), share(real, fake)


def test_identical_sets_are_one_one():
  x = _blob(np.random.default_rng(0), 0.0, 500)
  assert mm.precision_recall(x, x.copy()) == (1.0, 1.0)


def test_disjoint_sets_are_zero_zero():
  rng = np.random.default_rng(1)
  assert mm.precision_recall(_blob(rng, 0.0, 400), _blob(rng, 100.0, 400)) == (0.0, 0.0)


def test_one_mode_of_two_is_precise_but_not_diverse():
  """Real data has two far-apart modes, the generator covers only one of them."""
  rng = np.random.default_rng(2)
  real = np.concatenate([_blob(rng, 0.0, 1000), _blob(rng, 50.0, 1000)])
  fake = _blob(rng, 0.0, 1000)
  precision, recall = mm.precision_recall(real, fake)
  # Two samples of one 8-d Gaussian score about 0.9 / 0.87 at this size (the k-NN balls
  # miss the fringe), so "high" is > 0.8; recall is at most the covered mode's half.
  assert precision > 0.8
  assert 0.3 < recall <= 0.5


def test_a_blurred_copy_is_diverse_but_not_precise():
  """Fakes spread far wider than the data: they cover it, but most lie outside it."""
  rng = np.random.default_rng(3)
  real, fake = _blob(rng, 0.0, 1000), _blob(rng, 0.0, 1000, scale=3.0)
  precision, recall = mm.precision_recall(real, fake)
  assert recall > 0.9
  assert precision < 0.2


def test_hand_computed_line():
  """1-D points, k=1: real {0, 1, 2, 10} radii 1, 1, 1, 8; fake {0.5, 5, 30, 31} radii
  4.5, 4.5, 1, 1. Inside real: 0.5 and 5 (10's ball reaches 2..18) -> precision 2/4. Inside
  fake: 0, 1 (0.5's ball reaches -4..5); 2 too; 10 is not (5's ball reaches 0.5..9.5)."""
  real = np.array([[0.0], [1.0], [2.0], [10.0]], np.float32)
  fake = np.array([[0.5], [5.0], [30.0], [31.0]], np.float32)
  assert mm.precision_recall(real, fake, k=1) == (0.5, 0.75)


@pytest.mark.parametrize('chunk_elements', [7, 1000, 1 << 24])
def test_chunked_equals_brute_force(chunk_elements):
  rng = np.random.default_rng(4)
  real = np.concatenate([_blob(rng, 0.0, 150), _blob(rng, 3.0, 150)])
  fake = _blob(rng, 1.0, 250, scale=1.3)
  got = mm.precision_recall(real, fake, k=3, chunk_elements=chunk_elements)
  expected = _brute_force(real.astype(np.float64), fake.astype(np.float64), 3)
  # float32 BLAS vs float64 cdist can flip a point lying exactly on a ball's edge: one
  # point in 250/300 at most.
  assert abs(got[0] - expected[0]) <= 1 / 250 and abs(got[1] - expected[1]) <= 1 / 300
  assert 0.05 < got[0] < 0.95 and 0.05 < got[1] < 0.95  # a case that tells them apart


def test_feature_bank_merges_by_concatenation():
  rng = np.random.default_rng(5)
  a, b = _blob(rng, 0.0, 5), _blob(rng, 1.0, 3)
  bank = mm.FeatureBank().add(a).merge(mm.FeatureBank().add(b)).add(np.zeros((0, 8)))
  np.testing.assert_array_equal(bank.array(), np.concatenate([a, b]))
  assert mm.FeatureBank().array().shape == (0, 0)


@pytest.mark.parametrize('real, fake, message', [
    (np.zeros((3, 4)), np.zeros((10, 4)), r'real: need more than k=3'),
    (np.zeros((10, 4)), np.zeros(10), r'fake: features must be \[count, dim\]'),
    (np.zeros((10, 4)), np.full((10, 4), np.nan), r'fake: features contain NaN'),
    (np.zeros((10, 4)), np.zeros((10, 5)), r'differ in dimension: 4 vs 5'),
])
def test_unusable_input_is_refused_by_name(real, fake, message):
  with pytest.raises(ValueError, match=message):
    mm.precision_recall(real, fake)
