"""Training across workers: two processes on localhost under a TF_CONFIG of a chief and a
worker (the form Vertex AI Training sets for a job with a worker pool) train `default`
with MultiWorkerMirroredStrategy through run_fn. An interrupted run resumes from the
chief's checkpoint on both workers, the rerun exports one generator of the same kind as a
single-process run, and a warm start from it continues its step count. Only the chief's
files are kept: the worker's scratch folders are gone afterwards.
"""
import json
import os
import socket
import subprocess
import sys

import tensorflow as tf

from formats.generator_spec import SPEC_FILE
from models import gan_trainer, resume
from models.loop import make_strategy
from tests.support import gan_fn_args

REPO = gan_fn_args.REPO
_CONFIG = {'preset': 'default', 'batch_size': 8, 'checkpoint_interval': 2,
           'sample_interval': 4, 'summary_interval': 2, 'steps_per_call': 2}
_STEPS = 5


def _free_ports(n):
  sockets = [socket.socket() for _ in range(n)]
  for s in sockets:
    s.bind(('localhost', 0))
  ports = [s.getsockname()[1] for s in sockets]
  for s in sockets:
    s.close()
  return ports


def _run_cluster(tmp_path, name, examples, out, model_run_dir, steps, base_model='',
                 batches=0):
  """Runs the chief and one worker to the end; returns [(exit code, log)] of both."""
  chief, worker = (f'localhost:{p}' for p in _free_ports(2))
  procs = []
  for task in ('chief', 'worker'):
    scratch = tmp_path / f'{name}_{task}_tmp'
    scratch.mkdir()
    tf_config = {'cluster': {'chief': [chief], 'worker': [worker]},
                 'task': {'type': task, 'index': 0}}
    env = dict(os.environ, TF_CONFIG=json.dumps(tf_config), TMPDIR=str(scratch),
               TF_CPP_MIN_LOG_LEVEL='2')
    log = open(tmp_path / f'{name}_{task}.log', 'w')  # pylint: disable=consider-using-with
    procs.append((subprocess.Popen(
        [sys.executable, '-m', 'tests.support.multi_worker_training', str(examples),
         str(out), str(model_run_dir), json.dumps(_CONFIG), str(steps), str(base_model),
         str(batches)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT), log, scratch))
  results = []
  for proc, log, scratch in procs:
    try:
      proc.wait(timeout=420)
    finally:
      proc.kill()
      log.close()
    results.append((proc.returncode, open(log.name).read(), scratch))
  for code, text, scratch in results:
    # Nothing left in the worker's (nor the chief's) temp folder: scratch removed.
    assert not list(scratch.iterdir()), (list(scratch.iterdir()), text[-3000:])
  return [(code, text) for code, text, _ in results]


def _signatures(export_dir):
  loaded = tf.saved_model.load(export_dir)
  return {name: (sorted(fn.structured_input_signature[1]), sorted(fn.structured_outputs))
          for name, fn in loaded.signatures.items()}


def _info_step(serving_dir):
  with open(os.path.join(gan_trainer.warm_start_dir(serving_dir), 'info.json')) as f:
    return json.load(f)['step']


def test_two_workers_resume_export_and_warm_start(tfrecord_fn_args, tmp_path, monkeypatch):
  monkeypatch.delenv('TF_CONFIG', raising=False)
  assert not isinstance(make_strategy(), tf.distribute.MultiWorkerMirroredStrategy)
  single = tfrecord_fn_args(dict(_CONFIG), train_steps=1)  # also writes tmp_path/examples
  gan_trainer.run_fn(single)
  examples, model_run = tmp_path / 'examples', tmp_path / 'cluster_run'

  # 1. Interrupted: the input ends after 3 batches, past the checkpoint at step 2.
  results = _run_cluster(tmp_path, 'interrupted', examples, tmp_path / 'm1', model_run / '1',
                         _STEPS, batches=3)
  assert all(code != 0 and 'OutOfRange' in text for code, text in results), results
  (folder,) = model_run.glob(resume.PREFIX + '*')
  assert tf.train.latest_checkpoint(str(folder)).endswith('ckpt-2')
  assert not (tmp_path / 'm1' / 'Format-Serving' / 'saved_model.pb').exists()

  # 2. The rerun (a new execution: new run dir) resumes on both workers and exports.
  serving = tmp_path / 'm2' / 'Format-Serving'
  results = _run_cluster(tmp_path, 'rerun', examples, tmp_path / 'm2', model_run / '2', _STEPS)
  for code, text in results:
    assert code == 0, text[-3000:]
    assert f'Resumed from {folder}/ckpt-2 at step 2' in text, text[-3000:]
    assert "'default' for 5 steps (from 2), batch 8, 2 replica(s)" in text, text[-3000:]
  assert _info_step(str(serving)) == _STEPS
  assert _signatures(str(serving)) == _signatures(single.serving_model_dir)
  with open(serving / SPEC_FILE) as f, open(os.path.join(single.serving_model_dir, SPEC_FILE)) as g:
    assert json.load(f) == json.load(g)
  loaded = tf.saved_model.load(str(serving))  # held: its functions need its variables
  images = loaded.generate(tf.constant(1, tf.int64), tf.constant([3, 4], tf.int64))['images']
  assert images.shape == (2, 28, 28, 1)
  # The chief's run folder has the grids and events; nothing else was written beside it.
  assert (model_run / '2' / 'samples' / 'step_0000004.png').exists()
  assert sorted(p.name for p in model_run.iterdir()) == ['1', '2']  # resume folder removed
  assert sorted(p.name for p in (tmp_path / 'm2').iterdir()) == ['Format-Serving', 'warm_start']

  # 3. Warm start from the rerun's model: 2 more steps on top of its 5.
  results = _run_cluster(tmp_path, 'warm', examples, tmp_path / 'm3', model_run / '3', 2,
                         base_model=serving)
  for code, text in results:
    assert code == 0, text[-3000:]
    assert 'Warm start from' in text and 'at step 5' in text, text[-3000:]
  assert _info_step(str(tmp_path / 'm3' / 'Format-Serving')) == _STEPS + 2
