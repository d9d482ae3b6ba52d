"""K training steps per compiled call: the same training as one step per call, calls that
land exactly on checkpoint/sample steps and on train_steps, and a non-finite step inside a
call named exactly, with nothing trained after it."""
import os

from absl import logging as absl_logging
import keras
import numpy as np
import pytest
import tensorflow as tf

from models import data, loop
from models.config import TrainConfig
from models.observe import Observer, duration


def _ds(mnist_small, n_batches, batch_size=8, poison_batch=None):
  """Exactly `n_batches` real batches (batch `poison_batch`, 0-based, all NaN)."""
  images, labels = mnist_small
  n = n_batches * batch_size
  ds = tf.data.Dataset.from_tensor_slices((images[:n], labels[:n])).batch(batch_size)
  ds = ds.map(data.to_images_labels).enumerate()
  return ds.map(lambda i, b: (tf.where(i == poison_batch, np.nan, b[0]) if poison_batch
                              is not None else b[0], b[1]))


@pytest.fixture
def calls(monkeypatch):
  """The length of every compiled call, and the Gans the loop built."""
  record = {'lengths': [], 'gans': []}
  real_gan, real_steps = loop.Gan, loop.Gan.train_steps

  def gan(*args, **kwargs):
    record['gans'].append(real_gan(*args, **kwargs))
    return record['gans'][-1]

  def train_steps(self, iterator, n):
    out = real_steps(self, iterator, n)
    record['lengths'].append(len(out['nonfinite']))
    return out
  monkeypatch.setattr(real_gan, 'train_steps', train_steps)
  monkeypatch.setattr(loop, 'Gan', gan)
  return record


def _weights(gan):
  return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]


def _checkpoint_steps(folder):
  state = tf.train.get_checkpoint_state(folder)
  return sorted(int(p.rsplit('-', 1)[1]) for p in state.all_model_checkpoint_paths)


def test_k_steps_per_call_train_exactly_as_one_step_per_call(mnist_small, tmp_path, calls):
  # 7 steps, D pre-training 2, checkpoints every 3: none of them a multiple of K = 4.
  config = dict(preset='mlp', batch_size=8, d_pretrain_steps=2, checkpoint_interval=3,
                sample_interval=0, max_checkpoints=5)
  runs = {}
  for k in (1, 4):
    run_dir = str(tmp_path / f'k{k}')
    keras.utils.set_random_seed(0)  # the same initial weights
    runs[k] = loop.train(TrainConfig(**config, steps_per_call=k), _ds(mnist_small, 7), 7,
                         run_dir)
    assert _checkpoint_steps(os.path.join(run_dir, 'checkpoints')) == [3, 6, 7]
  # K = 4: pre-training ends at 2, then calls land on 3 and 6, then on train_steps.
  assert calls['lengths'] == [1] * 7 + [2, 1, 3, 1]
  for k in runs:
    assert int(runs[k].step.numpy()) == 7
    assert (int(runs[k].d_opt.iterations.numpy()), int(runs[k].g_opt.iterations.numpy())) \
        == (7, 5)
  for a, b in zip(_weights(runs[1]), _weights(runs[4])):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_non_finite_step_inside_a_call_is_named_and_ends_training(mnist_small, tmp_path,
                                                                   calls):
  run_dir = str(tmp_path / 'run')
  config = TrainConfig(preset='mlp', batch_size=8, checkpoint_interval=2, sample_interval=0,
                       steps_per_call=5)
  # Batch 4 (step 5) is NaN; the call of steps 3-6 (it lands on 4, then 6) holds it.
  with pytest.raises(loop.NonFiniteLossError,
                     match=r"Non-finite .*gradient.* at step 5 of preset 'mlp'.*ckpt-4"):
    loop.train(config, _ds(mnist_small, 10, poison_batch=4), 10, run_dir)
  assert calls['lengths'] == [2, 2, 1]  # the third call (asked for 2) stopped after step 5
  (gan,) = calls['gans']
  assert int(gan.step.numpy()) == 5 and int(gan.d_opt.iterations.numpy()) == 5
  assert _checkpoint_steps(os.path.join(run_dir, 'checkpoints')) == [2, 4]


@pytest.mark.parametrize('step, train_steps, k, pretrain, expected', [
    (0, 100, 50, 0, 50),    # a full call
    (0, 30, 50, 0, 30),     # train_steps first
    (40, 100, 50, 0, 20),   # lands on the checkpoint step 60
    (60, 100, 50, 0, 20),   # lands on the sample step 80 (checkpoints at 60, 120)
    (80, 100, 50, 0, 20),   # train_steps again
    (0, 100, 50, 7, 7),     # the end of D pre-training
    (7, 100, 50, 7, 50),    # then a full call (to 57, before the checkpoint at 60)
    (3, 100, 1, 7, 1),      # K = 1
])
def test_call_length_lands_on_every_boundary(step, train_steps, k, pretrain, expected):
  config = TrainConfig(preset='mlp', steps_per_call=k, checkpoint_interval=60,
                       sample_interval=80, d_pretrain_steps=pretrain)
  assert loop.call_length(step, train_steps, config, config.effective_preset()) == expected


@pytest.mark.parametrize('bad', [0, -3, 2.5, True, '10'])
def test_steps_per_call_must_be_a_positive_int(bad):
  with pytest.raises((ValueError, TypeError), match='steps_per_call'):
    TrainConfig.from_custom_config({'steps_per_call': bad})


def test_progress_line_has_rates_and_time_left(tmp_path, caplog):
  absl_logging.set_verbosity(absl_logging.INFO)
  caplog.set_level('INFO')
  config = TrainConfig(preset='mlp', log_interval=10, summary_interval=0, sample_interval=0)
  observer = Observer(str(tmp_path), config, config.effective_preset(), None, 64, 1000)
  observer.start(0)
  observer._t0 -= 2.0  # pylint: disable=protected-access  (20 steps took 2 s)
  metrics = {k: np.full(20, 0.5, np.float32) for k in ('d_loss', 'g_loss', 'd_real',
                                                      'd_fake', 'grad_norm')}
  observer.on_call(0, metrics)
  lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith('step ')]
  assert [line.split()[1] for line in lines] == ['10/1000', '20/1000']
  # 10 steps/s (a little less: the clock ran on), 640 img/s, 980 steps left: about 1m38s.
  assert all(' steps/s ' in line and ' img/s ' in line for line in lines), lines
  rate = float(lines[-1].split(' steps/s')[0].split()[-1])
  assert 9.0 < rate <= 10.0, lines[-1]
  assert lines[-1].endswith(f'ETA {duration(980 / rate)}'), lines[-1]
  assert duration(98) == '1m38s' and duration(42) == '42s' and duration(3720) == '1h02m'
