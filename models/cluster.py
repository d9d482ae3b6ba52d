"""Which distribution strategy trains, and which process of a cluster keeps what it writes.

`TF_CONFIG` (set by Vertex AI custom training for a job of several replicas, and by the
Kubernetes training operators) naming more than one worker (`chief` and `worker` tasks)
selects `MultiWorkerMirroredStrategy`: every process runs the same loop, gradients are
all-reduced between them. Without it (or with a one-task cluster): `MirroredStrategy` over
several local GPUs, else the default strategy.

In a cluster every process runs the same steps, saves and exports (reading distributed
variables may take all of them), but only the chief's files are kept: the others write
into a scratch folder of their own (`scratch_dir`), removed when they are done.
"""
import contextlib
import json
import os
import shutil
import tempfile

import tensorflow as tf

_WORKER_JOBS = ('chief', 'worker')


def _cluster():
  """TF_CONFIG's cluster dict ({} when unset), refusing what this loop cannot train on."""
  text = os.environ.get('TF_CONFIG')
  if not text:
    return {}
  try:
    cluster = json.loads(text).get('cluster') or {}
  except (ValueError, AttributeError) as e:
    raise ValueError(f'TF_CONFIG is not a JSON object with a "cluster": {text!r}') from e
  other = sorted(set(cluster) - set(_WORKER_JOBS) - {'evaluator'})
  if other:
    raise ValueError(f'TF_CONFIG names job(s) {other}: only {list(_WORKER_JOBS)} tasks '
                     '(MultiWorkerMirroredStrategy) are supported, no parameter servers.')
  return cluster


def make_strategy():
  """MultiWorkerMirroredStrategy when TF_CONFIG names several workers; else
  MirroredStrategy over all GPUs when there are several; else the default strategy."""
  if sum(len(_cluster().get(job, [])) for job in _WORKER_JOBS) > 1:
    return tf.distribute.MultiWorkerMirroredStrategy()
  gpus = tf.config.list_logical_devices('GPU')
  if len(gpus) > 1:
    return tf.distribute.MirroredStrategy([d.name for d in gpus])
  return tf.distribute.get_strategy()


def is_chief(strategy) -> bool:
  """True unless `strategy` is multi-worker and this process is not its chief (the
  `chief` task, or worker 0 when the cluster has none)."""
  return strategy.extended.should_checkpoint


@contextlib.contextmanager
def scratch_dir(strategy):
  """None on the chief; elsewhere a fresh local folder for files nobody keeps, removed on
  exit (also after an error)."""
  if is_chief(strategy):
    yield None
    return
  folder = tempfile.mkdtemp(prefix='gan-worker-')
  try:
    yield folder
  finally:
    shutil.rmtree(folder, ignore_errors=True)
