"""The generator's own inputs: reads generator_spec.json and draws seeded noise and labels.

No TensorFlow here (numpy only), so LiteRT-side tools can draw inputs the same way. The spec
is written by models/export.py and checked by formats/generator_spec.py: only the keys it
writes are accepted, and a missing or malformed key is an error naming the file rather than
a silent default.
"""
from typing import Any, Dict, Optional, Tuple

import numpy as np

from formats import generator_spec


def read_spec(model_dir: str, gfile=None) -> Dict[str, Any]:
  """Loads and checks `<model_dir>/generator_spec.json` (formats/generator_spec.py).

  Local files by default, so no TensorFlow is needed; pass `gfile=tf.io.gfile` to read an
  artifact URI on any filesystem TensorFlow supports (gs:// on Vertex AI).
  """
  if gfile is None:
    return generator_spec.read(model_dir)
  return generator_spec.read(model_dir, exists=gfile.exists, opener=gfile.GFile)


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

  int32, the dtype of the exported `label` input (formats/generator_spec.py LABEL_DTYPE)."""
  if not spec['conditional']:
    return None
  return (np.arange(count) % spec['num_classes']).astype(generator_spec.LABEL_DTYPE)


def inputs(spec: Dict[str, Any], count: int, seed: int) -> Tuple[np.ndarray, Optional[np.ndarray]]:
  return noise(spec, count, seed), labels(spec, count)


def as_feed(noise_values: np.ndarray, label_values: Optional[np.ndarray],
            dtypes: Optional[Dict[str, Any]] = None) -> Dict[str, np.ndarray]:
  """Signature inputs by name: {'noise': ..., 'label': ...} (label only if conditional),
  each in the dtype `dtypes` gives its name (e.g. an older release's int64 label)."""
  feed = {generator_spec.NOISE_INPUT: noise_values}
  if label_values is not None:
    feed[generator_spec.LABEL_INPUT] = label_values
  dtypes = dtypes or {}
  return {name: values.astype(dtypes.get(name, values.dtype)) for name, values in feed.items()}
