"""Resume across executions: where a training's checkpoints live so that a rerun finds them.

TFX gives every Trainer execution a new `model_run_dir` (`.../model_run/<execution id>`),
so checkpoints kept there are never seen again: a run killed at step 19,000 of 24,000 and
rerun starts over. Here the checkpoints go to `.../model_run/resume-<fingerprint>/`,
beside the executions' run folders, where the fingerprint covers everything that decides
what the training computes:

  - the train files: each pattern, and every file it matches with its size (the
    Examples artifacts' URIs are in the patterns);
  - the base model it warm-starts from (its URI, or none);
  - the full custom_config (preset, hyperparameters, seed, intervals);
  - train_steps.

The next execution of the same training computes the same fingerprint and resumes from the
last checkpoint there; any other training (other steps, preset, data or base) gets another
folder and starts as usual. After a successful export the folder is removed, and so are
the resume folders of other fingerprints: they were left by killed trainings that no
longer match what the pipeline trains (runs of one pipeline do not overlap: the local run
lock, and on Vertex AI the schedule's max_concurrent_run_count=1).

Not covered: the training code itself. After a change of a preset's architecture under the
same name, a leftover folder of that preset fails the restore with an error naming the
folder to delete (models/loop.py, docs/faults.md).
"""
import hashlib
import json
import os
from typing import Iterable, List, Optional

from absl import logging
import tensorflow as tf

PREFIX = 'resume-'


def _files(patterns: Iterable[str]) -> list:
  found = []
  for pattern in patterns:
    matches = sorted(tf.io.gfile.glob(pattern))
    found.append([pattern, [[m, tf.io.gfile.stat(m).length] for m in matches]])
  return found


def fingerprint(train_files: List[str], base_model: Optional[str], custom_config,
                train_steps: int) -> str:
  """A short hex digest of the inputs that decide a training (see the module docstring)."""
  inputs = {'train_files': _files(train_files), 'base_model': base_model or None,
            'custom_config': dict(custom_config or {}), 'train_steps': int(train_steps)}
  text = json.dumps(inputs, sort_keys=True, default=repr)
  return hashlib.sha256(text.encode()).hexdigest()[:16]


def checkpoint_dir(model_run_dir: str, key: str) -> str:
  """`<parent of model_run_dir>/resume-<key>`: shared by every execution's run folder."""
  return os.path.join(os.path.dirname(os.path.normpath(model_run_dir)), PREFIX + key)


def finish(folder: str) -> List[str]:
  """After a successful export: removes `folder` and its stale siblings; returns them."""
  parent = os.path.dirname(folder)
  removed = []
  for name in sorted(tf.io.gfile.listdir(parent)):
    name = name.rstrip('/')
    path = os.path.join(parent, name)
    if name.startswith(PREFIX) and tf.io.gfile.isdir(path):
      tf.io.gfile.rmtree(path)
      removed.append(path)
      if path != folder:
        logging.info('Removed %s: checkpoints of a killed training of other inputs.', path)
  return removed
