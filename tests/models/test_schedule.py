"""The update schedules are real: counted optimizer updates, and D-only pre-training."""
import numpy as np
import tensorflow as tf

from models import gan as gan_lib
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


def _step_recomputing_fakes(gan, images, labels):
  """An alternating step as the originals run it: D update, then G forward again on the same
  z against the updated D. The 'shared' step must give the same weights with one G forward."""
  z = gan._noise(tf.shape(labels)[0], gan.step.read_value(), gan_lib._D_NOISE)  # pylint: disable=protected-access
  real = gan._scale(images)  # pylint: disable=protected-access
  gan._d_update(real, labels, gan.generator(z, labels, training=True))  # pylint: disable=protected-access
  with tf.GradientTape() as tape:
    g_loss = gan.loss.generator(gan._d_logits(gan.generator(z, labels, training=True), labels))  # pylint: disable=protected-access
  gan._apply(gan.g_opt, tape, g_loss, gan.generator.trainable_variables)  # pylint: disable=protected-access


def test_shared_noise_step_equals_recomputing_the_fakes(mnist_small):
  images, labels = batch(mnist_small, 8)
  shared, reference = make_gan('mlp', batch_size=8, g_noise='shared'), make_gan('mlp', batch_size=8)
  for src, dst in [(shared.generator, reference.generator),
                   (shared.discriminator, reference.discriminator)]:
    dst.set_weights(src.get_weights())
  shared.train_step(images, labels)
  _step_recomputing_fakes(reference, images, labels)
  for a, b in [(shared.generator, reference.generator),
               (shared.discriminator, reference.discriminator)]:
    for wa, wb in zip(a.trainable_variables, b.trainable_variables):
      np.testing.assert_allclose(wa.numpy(), wb.numpy(), rtol=1e-5, atol=1e-6)


def test_fresh_noise_differs_from_shared(mnist_small):
  """The switch is real: the same start and batch give another G after a 'fresh' step."""
  images, labels = batch(mnist_small, 8)
  shared, fresh = make_gan('mlp', batch_size=8, g_noise='shared'), make_gan('mlp', batch_size=8)
  fresh.generator.set_weights(shared.generator.get_weights())
  fresh.discriminator.set_weights(shared.discriminator.get_weights())
  assert fresh.preset.g_noise == 'fresh'
  shared.train_step(images, labels)
  fresh.train_step(images, labels)
  assert not all(np.allclose(a.numpy(), b.numpy()) for a, b in
                 zip(shared.generator.trainable_variables, fresh.generator.trainable_variables))
