"""A GAN training killed mid-way continues in the next execution (models/resume.py).

The kill is a real SIGKILL of a child process running models.gan_trainer.run_fn; the rerun is
a new execution as TFX makes it: the same inputs, a new model_run_dir.
"""
import json
import os
import re
import shutil

from absl import logging as absl_logging
import numpy as np
import pytest
import tensorflow as tf

from models import data, gan_trainer, loop, resume
from models.config import TrainConfig
from models.gan import Gan
from tests.support import gan_fn_args, kill

_CONFIG = {'preset': 'mlp', 'batch_size': 16, 'checkpoint_interval': 25,
           'sample_interval': 0, 'summary_interval': 0}
_STEPS = 300


def _weights(gan):
  return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]


def _latest_step(folder):
  latest = tf.train.latest_checkpoint(folder)
  return int(latest.rsplit('-', 1)[1]) if latest else None


@pytest.fixture
def examples(tfrecord_fn_args, tmp_path):
  tfrecord_fn_args({}, 1)  # writes tmp_path/examples (512 train, 128 eval examples)
  return tmp_path / 'examples'


@pytest.fixture
def recorded(monkeypatch):
  """What each loop.train call started from (step, weights, D optimizer steps) and how
  many steps it then trained."""
  runs, real_gan, real_start, real_on_call = [], loop.Gan, loop.Observer.start, \
      loop.Observer.on_call

  def gan(*args, **kwargs):
    runs.append({'gan': real_gan(*args, **kwargs), 'steps': 0})
    return runs[-1]['gan']

  def start(self, step):  # called after any restore, before the first step
    run = runs[-1]
    run.update(start=step, weights=_weights(run['gan']),
               d_iterations=int(run['gan'].d_opt.iterations.numpy()))
    return real_start(self, step)

  def on_call(self, first_step, metrics):
    runs[-1]['steps'] += len(metrics['d_loss'])
    return real_on_call(self, first_step, metrics)

  monkeypatch.setattr(loop, 'Gan', gan)
  monkeypatch.setattr(loop.Observer, 'start', start)
  monkeypatch.setattr(loop.Observer, 'on_call', on_call)
  return runs


def test_rerun_after_a_kill_continues_from_the_killed_runs_checkpoint(examples, tmp_path,
                                                                      recorded, caplog):
  model_run = tmp_path / 'Trainer' / 'model_run'
  proc = kill.start(['-m', 'tests.support.killable_training', str(examples),
                     str(tmp_path / 'killed_model'), str(model_run / '62'),
                     json.dumps(_CONFIG), str(_STEPS), '0.03'],
                    str(tmp_path / 'killed.log'))
  folders = lambda: [p for p in model_run.glob(resume.PREFIX + '*')]  # noqa: E731
  kill.kill_when(proc, lambda: folders() and _latest_step(str(folders()[0])), timeout_s=180)
  (folder,) = folders()
  killed_at = _latest_step(str(folder))
  assert 0 < killed_at < _STEPS
  kept = tmp_path / 'killed_checkpoints'  # the rerun removes the folder when it succeeds
  shutil.copytree(folder, kept)

  absl_logging.set_verbosity(absl_logging.INFO)
  caplog.set_level('INFO')
  rerun = gan_fn_args.make(examples, tmp_path / 'rerun_model', model_run / '71', _CONFIG,
                           _STEPS)
  assert gan_trainer.resume_dir(rerun) == str(folder)  # same inputs, new run dir: same folder
  gan_trainer.run_fn(rerun)

  (run,) = recorded
  assert run['start'] == killed_at and run['steps'] == _STEPS - killed_at
  assert int(run['gan'].step.numpy()) == _STEPS
  assert re.search(rf'Resumed from {re.escape(str(folder))}/ckpt-{killed_at} at step '
                   rf'{killed_at}', caplog.text)
  # The networks and optimizer it started from are the killed run's checkpoint.
  config = TrainConfig.from_custom_config(_CONFIG)
  expected = Gan(config.effective_preset(), config, tf.distribute.get_strategy())
  expected.checkpoint().restore(tf.train.latest_checkpoint(str(kept))) \
      .assert_existing_objects_matched()
  assert run['d_iterations'] == int(expected.d_opt.iterations.numpy()) > 0
  for a, b in zip(_weights(expected), run['weights']):
    np.testing.assert_array_equal(a, b)
  with open(os.path.join(gan_trainer.warm_start_dir(rerun.serving_model_dir), 'info.json')) as f:
    assert json.load(f)['step'] == _STEPS
  assert not folders()  # removed after the successful export


def test_other_inputs_do_not_resume_and_a_success_removes_stale_folders(
    examples, tmp_path, recorded, monkeypatch):
  model_run = tmp_path / 'model_run'
  config = dict(_CONFIG, checkpoint_interval=2)
  real_dataset = gan_trainer.train_dataset
  # Interrupted: 10 steps asked, the data ends after 6 (checkpoints at 2, 4, 6).
  monkeypatch.setattr(gan_trainer, 'train_dataset', lambda *a: real_dataset(*a).take(6))
  interrupted = gan_fn_args.make(examples, tmp_path / 'm1', model_run / '1', config, 10)
  with pytest.raises((StopIteration, tf.errors.OutOfRangeError)):
    gan_trainer.run_fn(interrupted)
  stale = gan_trainer.resume_dir(interrupted)
  assert _latest_step(stale) == 6
  monkeypatch.setattr(gan_trainer, 'train_dataset', real_dataset)

  other = gan_fn_args.make(examples, tmp_path / 'm2', model_run / '2', config, 8)
  assert gan_trainer.resume_dir(other) != stale
  gan_trainer.run_fn(other)
  assert recorded[-1]['start'] == 0 and recorded[-1]['steps'] == 8  # did not resume
  assert not list(model_run.glob(resume.PREFIX + '*'))  # its own and the stale one


@pytest.mark.parametrize('change', ['train_steps', 'preset', 'config', 'base_model',
                                    'examples', 'examples_content'])
def test_the_fingerprint_covers_every_training_input(change, examples, tmp_path):
  base = gan_fn_args.make(examples, tmp_path / 'm', tmp_path / 'run' / '1', _CONFIG, 300)
  same = gan_fn_args.make(examples, tmp_path / 'n', tmp_path / 'run' / '2', _CONFIG, 300)
  key = gan_trainer.resume_dir(base)
  assert gan_trainer.resume_dir(same) == key  # another execution of the same training
  if change == 'train_steps':
    changed = gan_fn_args.make(examples, tmp_path / 'n', tmp_path / 'run' / '2', _CONFIG, 301)
  elif change in ('preset', 'config'):
    custom = dict(_CONFIG, **({'preset': 'cdcgan'} if change == 'preset' else {'seed': 1}))
    changed = gan_fn_args.make(examples, tmp_path / 'n', tmp_path / 'run' / '2', custom, 300)
  elif change == 'base_model':
    changed = same
    changed.base_model = str(tmp_path / 'Trainer' / 'model' / '5' / 'Format-Serving')
  elif change == 'examples':
    other = tmp_path / 'other_examples'
    shutil.copytree(examples, other)
    changed = gan_fn_args.make(other, tmp_path / 'n', tmp_path / 'run' / '2', _CONFIG, 300)
  else:  # same URI, other files (never in TFX, whose artifacts are immutable; by hand)
    with open(examples / 'Split-train' / 'data_tfrecord-00001-of-00001.gz', 'wb') as f:
      f.write(b'x')
    changed = same
  assert gan_trainer.resume_dir(changed) != key


def test_a_checkpoint_that_does_not_fit_is_named(mnist_small, tmp_path):
  images, labels = mnist_small
  ds = tf.data.Dataset.from_tensor_slices((images[:16], labels[:16])).batch(8)
  ds = ds.map(data.to_images_labels)
  folder = str(tmp_path / 'resume-x')
  loop.train(TrainConfig(preset='mlp', batch_size=8, sample_interval=0), ds, 2,
             str(tmp_path / 'run1'), checkpoint_dir=folder)
  # As after a change of the preset's architecture: the same folder, other shapes.
  with pytest.raises(ValueError, match=rf'Cannot resume from {re.escape(folder)}/ckpt-2: it '
                     rf"does not fit preset 'cdcgan'.*Delete {re.escape(folder)} to train"):
    loop.train(TrainConfig(preset='cdcgan', batch_size=8, sample_interval=0), ds, 2,
               str(tmp_path / 'run2'), checkpoint_dir=folder)
