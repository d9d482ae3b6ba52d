"""The gate's floor: the sample-quality metrics of *real* images, with the gate's classifier.

FID of N real training images against N real eval images, and the MNIST score and class
accuracy of the N real eval images (their true labels as the "requested" digits). A
generator cannot be expected to beat these figures at the same N, and all three move with
the classifier, which the pipeline retrains whenever its data changes: so the gate's
absolute thresholds are multiples of the floor, not fixed numbers.

The ClassifierTrainer measures it and writes `floor.json` beside its export; the Evaluator
reads it (components/sample_quality/evaluator.py). Same math as the TFMA metrics
(models/sample_statistics.py). Keys are the metric names of components/sample_quality/
metrics.py, plus `num_samples` (N, per side).
"""
import json
import math
import os
from typing import Callable, Dict, Tuple

import numpy as np

from models import sample_statistics

FLOOR_FILE = 'floor.json'
METRIC_KEYS = ('fid', 'mnist_score', 'class_accuracy')
_BATCH = 500


def _classify_all(classify, images):
  logits, embeddings = [], []
  for start in range(0, len(images), _BATCH):
    batch_logits, batch_embedding = classify(images[start:start + _BATCH])
    logits.append(np.asarray(batch_logits))
    embeddings.append(np.asarray(batch_embedding))
  return np.concatenate(logits), np.concatenate(embeddings)


def measure(classify: Callable[[np.ndarray], Tuple[np.ndarray, np.ndarray]],
            train_images: np.ndarray, eval_images: np.ndarray,
            eval_labels: np.ndarray) -> Dict[str, float]:
  """The floor; images float32 [N, 28, 28, 1] in [0, 1]; `classify` -> (logits, embedding)."""
  if len(train_images) != len(eval_images) or len(eval_images) != len(eval_labels):
    raise ValueError(f'floor: need N real train and N real eval images and labels, got '
                     f'{len(train_images)}, {len(eval_images)}, {len(eval_labels)}')
  _, train_embedding = _classify_all(classify, train_images)
  eval_logits, eval_embedding = _classify_all(classify, eval_images)
  fid = sample_statistics.frechet_distance(sample_statistics.Moments().add(train_embedding),
                                           sample_statistics.Moments().add(eval_embedding))
  score = sample_statistics.ClassProbabilitySums().add(
      sample_statistics.softmax(eval_logits)).score()
  accuracy = float(np.mean(np.argmax(eval_logits, axis=1) == np.asarray(eval_labels)))
  return {'fid': fid, 'mnist_score': score, 'class_accuracy': accuracy,
          'num_samples': int(len(eval_images))}


def write(model_dir: str, floor: Dict[str, float], gfile=None) -> str:
  path = os.path.join(model_dir, FLOOR_FILE)
  open_file = gfile.GFile if gfile else open
  with open_file(path, 'w') as f:
    json.dump(floor, f, indent=2)
  return path


def read(model_dir: str, gfile=None) -> Dict[str, float]:
  """Loads and checks `<model_dir>/floor.json`; every problem names the file and the key."""
  path = os.path.join(model_dir, FLOOR_FILE)
  exists, open_file = (gfile.exists, gfile.GFile) if gfile else (os.path.isfile, open)
  if not exists(path):
    raise ValueError(f'No gate floor {path}: the classifier must be exported by '
                     'models/classifier_trainer.py, which measures it')
  try:
    with open_file(path, 'r') as f:
      floor = json.load(f)
  except Exception as e:  # pylint: disable=broad-except  (OSError, JSON, tf.errors.OpError)
    raise ValueError(f'Unreadable gate floor {path}: {e}') from e
  if not isinstance(floor, dict):
    raise ValueError(f'Invalid gate floor {path}: expected a JSON object')
  problems = [f'"{key}" must be a finite number' for key in METRIC_KEYS
              if not isinstance(floor.get(key), (int, float)) or isinstance(floor.get(key), bool)
              or not math.isfinite(floor[key])]
  if not problems and floor['fid'] < 0:
    problems.append('"fid" must be >= 0')
  if not isinstance(floor.get('num_samples'), int) or floor['num_samples'] < 2:
    problems.append('"num_samples" must be an integer >= 2')
  if problems:
    raise ValueError(f'Invalid gate floor {path}: ' + '; '.join(problems))
  return floor
