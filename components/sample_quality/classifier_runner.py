"""Loads the pipeline's MNIST classifier once per worker process and runs it in batches.

Contract (formats/classifier_spec.py): a SavedModel whose `serving_default` signature takes
`images` float32 [N, 28, 28, 1] in [0, 1] and returns `logits` [N, 10] and `embedding`
[N, D] (the penultimate layer).
"""
import threading
from typing import Dict, Tuple

import numpy as np
import tensorflow as tf

from formats import classifier_spec

_LOCK = threading.Lock()
_LOADED: Dict[str, object] = {}


def _signature(path: str):
  with _LOCK:
    if path not in _LOADED:
      _LOADED[path] = tf.saved_model.load(path).signatures[classifier_spec.SIGNATURE]
    return _LOADED[path]


def classify(path: str, images: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
  """Returns (logits, embedding) for float images of shape [N, 28, 28, 1] in [0, 1]."""
  outputs = _signature(path)(**{classifier_spec.IMAGES_INPUT: tf.constant(images, tf.float32)})
  return (outputs[classifier_spec.LOGITS_OUTPUT].numpy(),
          outputs[classifier_spec.EMBEDDING_OUTPUT].numpy())
