"""tests/tiers.py names files that exist: a renamed slow file would drop into make test-fast."""
import os

from tests import tiers

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_slow_entry_exists():
  missing = [path for path in tiers.SLOW_FILES if not os.path.exists(os.path.join(_REPO, path))]
  assert not missing, f'tests/tiers.py lists missing test files: {missing}'
