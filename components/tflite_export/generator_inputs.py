"""The generator's own inputs: reads generator_spec.json and draws seeded noise and labels.

No TensorFlow here (numpy only), so LiteRT-side tools can draw inputs the same way. The spec
is written by models/export.py; only the keys it writes are accepted, and a missing or
malformed key is an error naming the file rather than a silent default.
"""
import json
import os
from typing import Any, Dict, Optional, Tuple

import numpy as np

SPEC_FILE = 'generator_spec.json'  # = models.export.SPEC_FILE (components may not need TF)
DISTRIBUTIONS = ('uniform', 'normal')


def read_spec(model_dir: str, gfile=None) -> Dict[str, Any]:
  """Loads and checks `<model_dir>/generator_spec.json`.

  Local files by default, so no TensorFlow is needed; pass `gfile=tf.io.gfile` to read an
  artifact URI on any filesystem TensorFlow supports (gs:// on Vertex AI).
  """
  path = os.path.join(model_dir, SPEC_FILE)
  exists, open_file = (gfile.exists, gfile.GFile) if gfile else (os.path.isfile, open)
  if not exists(path):
    raise ValueError(f'No {SPEC_FILE} next to the generator SavedModel: {path} is missing.')
  try:
    with open_file(path, 'r') as f:
      spec = json.load(f)
  except Exception as e:  # pylint: disable=broad-except  (OSError, tf.errors.OpError, ...)
    raise ValueError(f'Unreadable generator spec {path}: {e}') from e
  problems = []
  if not isinstance(spec.get('conditional'), bool):
    problems.append('"conditional" must be true or false')
  if not isinstance(spec.get('noise_dim'), int) or spec.get('noise_dim', 0) < 1:
    problems.append('"noise_dim" must be a positive integer')
  noise = spec.get('noise')
  if not isinstance(noise, dict) or noise.get('distribution') not in DISTRIBUTIONS:
    problems.append(f'"noise.distribution" must be one of {DISTRIBUTIONS}')
  if spec.get('conditional') and not isinstance(spec.get('num_classes'), int):
    problems.append('"num_classes" must be an integer for a conditional generator')
  if spec.get('image_shape') != [28, 28, 1]:
    problems.append('"image_shape" must be [28, 28, 1]')
  if spec.get('output_range') != [0.0, 1.0]:
    problems.append('"output_range" must be [0.0, 1.0]')
  if problems:
    raise ValueError(f'Invalid generator spec {path}: ' + '; '.join(problems))
  return spec


def noise(spec: Dict[str, Any], count: int, seed: int) -> np.ndarray:
  """float32 [count, noise_dim] in the generator's training distribution."""
  rng = np.random.default_rng(seed)
  shape = (count, spec['noise_dim'])
  if spec['noise']['distribution'] == 'uniform':
    low, high = spec['noise'].get('low', -1.0), spec['noise'].get('high', 1.0)
    return rng.uniform(low, high, shape).astype(np.float32)
  mean, stddev = spec['noise'].get('mean', 0.0), spec['noise'].get('stddev', 1.0)
  return rng.normal(mean, stddev, shape).astype(np.float32)


def labels(spec: Dict[str, Any], count: int) -> Optional[np.ndarray]:
  """Every class in turn (0, 1, ..., 9, 0, ...) for conditional generators, else None.

  int64, the dtype of the exported `label` input (models/export.py)."""
  if not spec['conditional']:
    return None
  return (np.arange(count) % spec['num_classes']).astype(np.int64)


def inputs(spec: Dict[str, Any], count: int, seed: int) -> Tuple[np.ndarray, Optional[np.ndarray]]:
  return noise(spec, count, seed), labels(spec, count)


def as_feed(noise_values: np.ndarray, label_values: Optional[np.ndarray]) -> Dict[str, np.ndarray]:
  """Signature inputs by name: {'noise': ..., 'label': ...} (label only if conditional)."""
  feed = {'noise': noise_values}
  if label_values is not None:
    feed['label'] = label_values
  return feed
