"""The update schedules are real: counted optimizer updates, and D-only pre-training."""
import numpy as np

from models.config import TrainConfig
from tests.models.conftest import batch
from tests.models.test_presets import make_gan


def _weights(model):
  return [w.numpy().copy() for w in model.trainable_variables]


def _changed(before, model):
  return any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.trainable_variables))


def test_cdcgan_updates_g_twice_per_d(mnist_small):
  gan = make_gan('cdcgan', batch_size=8)
  for i in range(3):
    gan.train_step(*batch(mnist_small, 8, 8 * i))
  assert int(gan.d_opt.iterations.numpy()) == 3
  assert int(gan.g_opt.iterations.numpy()) == 6


def test_dcgan_upsample_takes_separate_real_and_fake_d_steps(mnist_small):
  gan = make_gan('dcgan_upsample', batch_size=8)
  for i in range(2):
    gan.train_step(*batch(mnist_small, 8, 8 * i))
  assert int(gan.d_opt.iterations.numpy()) == 4
  assert int(gan.g_opt.iterations.numpy()) == 2


def test_dcgan_tutorial_default_pretraining_is_300_steps():
  assert TrainConfig(preset='dcgan_tutorial').effective_preset().d_pretrain_steps == 300


def test_dcgan_tutorial_pretrains_d_alone_then_trains_both(mnist_small):
  gan = make_gan('dcgan_tutorial', batch_size=8, d_pretrain_steps=3)
  g0 = _weights(gan.generator)
  for i in range(3):
    gan.train_step(*batch(mnist_small, 8, 8 * i))
  assert not _changed(g0, gan.generator), 'G must not train during D pre-training'
  assert (int(gan.d_opt.iterations.numpy()), int(gan.g_opt.iterations.numpy())) == (3, 0)
  for i in range(2):
    gan.train_step(*batch(mnist_small, 8, 24 + 8 * i))
  assert _changed(g0, gan.generator)
  assert (int(gan.d_opt.iterations.numpy()), int(gan.g_opt.iterations.numpy())) == (5, 2)


def test_dcgan_tutorial_default_schedule_switches_at_step_300(mnist_small):
  """With the default 300, step 300 (0-based 299) is still D-only and the next trains G."""
  gan = make_gan('dcgan_tutorial', batch_size=8)
  gan.step.assign(299)
  g0 = _weights(gan.generator)
  gan.train_step(*batch(mnist_small, 8))
  assert not _changed(g0, gan.generator) and int(gan.g_opt.iterations.numpy()) == 0
  gan.train_step(*batch(mnist_small, 8, 8))
  assert _changed(g0, gan.generator) and int(gan.g_opt.iterations.numpy()) == 1
  assert int(gan.step.numpy()) == 301


def test_simultaneous_mode_updates_each_network_once_per_step(mnist_small):
  gan = make_gan('mlp', batch_size=8, simultaneous=True)
  metrics = gan.train_step(*batch(mnist_small, 8))
  assert int(gan.d_opt.iterations.numpy()) == 1 and int(gan.g_opt.iterations.numpy()) == 1
  assert np.isfinite(metrics['g_loss'].numpy())
