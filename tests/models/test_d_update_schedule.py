"""D's update schedule: one Adam on the summed loss (every preset but `dcgan_tutorial`), or
one Adam per loss term (`d_optimizer_per_term`, the TF GAN tutorial's two `minimize` ops),
counted in optimizer steps, checked against hand-written references, and run through the
K-steps call and mixed precision (on a two-replica MirroredStrategy: test_distributed.py)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from models import gan as gan_lib
from models.presets import PRESETS
from tests.models.conftest import batch
from tests.models.test_presets import make_gan


def _d_updates(gan):
  """D optimizer steps taken so far, over every optimizer D has."""
  opts = [gan.d_opt, getattr(gan, 'd_opt_fake_term', None)]
  return sum(int(opt.iterations.numpy()) for opt in opts if opt is not None)


def _copy_weights(src, dst):
  for a, b in [(src.generator, dst.generator), (src.discriminator, dst.discriminator)]:
    b.set_weights(a.get_weights())


def _reference_d_step(gan, images, labels, per_term):
  """D's first update from `gan`'s current weights, written out: the fakes of the step's
  D noise, then either one fresh Adam on the summed loss or one fresh Adam per term, both
  terms' gradients taken before either update (the tutorial's code path)."""
  preset = gan.preset
  z = gan._noise(tf.shape(labels)[0], gan.step.read_value(), gan_lib._D_NOISE)  # pylint: disable=protected-access
  fake = gan.generator(z, labels, training=True)
  d_vars = gan.discriminator.trainable_variables
  with tf.GradientTape(persistent=True) as tape:
    real_term = gan.loss.real_term(gan.discriminator(gan._scale(images), labels, training=True))  # pylint: disable=protected-access
    fake_term = gan.loss.fake_term(gan.discriminator(fake, labels, training=True))
    total = real_term + fake_term
  terms = [real_term, fake_term] if per_term else [total]
  grads = [tape.gradient(term, d_vars) for term in terms]
  for term_grads in grads:
    opt = keras.optimizers.Adam(preset.lr_d, beta_1=preset.beta_1, beta_2=preset.beta_2)
    opt.apply_gradients(zip(term_grads, d_vars))


def _assert_same_d(a, b):
  # Adam's first step moves each weight by about lr (g / |g|), except where |g| is near
  # its epsilon, there sensitive to rounding (graph vs eager): 1% of lr tells the schedules
  # apart (one Adam step on the sum vs one per term differ by about lr) but not rounding.
  for wa, wb in zip(a.discriminator.trainable_variables, b.discriminator.trainable_variables):
    np.testing.assert_allclose(wa.numpy(), wb.numpy(), rtol=1e-5, atol=0.01 * a.preset.lr_d,
                               err_msg=wa.path)


def test_dcgan_tutorial_takes_two_d_optimizer_steps_per_step(mnist_small):
  gan = make_gan('dcgan_tutorial', batch_size=8, d_pretrain_steps=1)
  for i in range(3):  # one D-only step, then two full ones
    gan.train_step(*batch(mnist_small, 8, 8 * i))
  assert _d_updates(gan) == 6
  assert int(gan.d_opt.iterations.numpy()) == int(gan.d_opt_fake_term.iterations.numpy()) == 3
  assert int(gan.g_opt.iterations.numpy()) == 2


def test_per_term_step_is_one_adam_per_term_from_the_same_weights(mnist_small):
  """Fails for one Adam on the sum: Adam normalises each term's gradient on its own."""
  images, labels = batch(mnist_small, 8)
  gan, reference = make_gan('dcgan_tutorial', batch_size=8), make_gan('dcgan_tutorial', batch_size=8)
  _copy_weights(gan, reference)
  gan.train_step(images, labels)  # a D pre-training step: D's update alone
  _reference_d_step(reference, images, labels, per_term=True)
  _assert_same_d(gan, reference)


@pytest.mark.parametrize('name', ['mlp', 'dcgan_layers'])
def test_other_presets_keep_one_adam_on_the_summed_loss(name, mnist_small):
  images, labels = batch(mnist_small, 8)
  gan, reference = [make_gan(name, batch_size=8, d_pretrain_steps=1) for _ in range(2)]
  assert gan.d_opt_fake_term is None
  _copy_weights(gan, reference)
  gan.train_step(images, labels)  # a D pre-training step: D's update alone
  _reference_d_step(reference, images, labels, per_term=False)
  _assert_same_d(gan, reference)
  assert _d_updates(gan) == 1


@pytest.mark.parametrize('name', sorted(PRESETS))
def test_checkpoint_holds_the_second_d_optimizer_only_when_used(name):
  """Checkpoints (and the warm starts reading them) of the one-Adam presets are unchanged."""
  gan = make_gan(name)
  children = set(gan.checkpoint()._trackable_children())  # pylint: disable=protected-access
  expected = {'generator', 'discriminator', 'g_opt', 'd_opt', 'step'}
  expected |= {'ema_generator'} if gan.ema_generator is not None else set()
  expected |= {'d_opt_fake_term'} if PRESETS[name].d_optimizer_per_term else set()
  assert children == expected


def test_split_real_fake_with_per_term_optimizers_steps_each_once(mnist_small):
  gan = make_gan('mlp', batch_size=8, d_pretrain_steps=1, d_split_real_fake=True,
                 d_optimizer_per_term=True)
  gan.train_step(*batch(mnist_small, 8))
  assert int(gan.d_opt.iterations.numpy()) == int(gan.d_opt_fake_term.iterations.numpy()) == 1


def test_k_steps_per_call_take_both_d_updates_each_step(mnist_small):
  gan = make_gan('dcgan_tutorial', batch_size=8, d_pretrain_steps=0)
  x, y = batch(mnist_small, 32)
  iterator = iter(tf.data.Dataset.from_tensor_slices((x, y)).batch(8, drop_remainder=True))
  out = gan.train_steps(iterator, 3)
  assert list(out['nonfinite']) == [0, 0, 0]
  assert int(gan.d_opt.iterations.numpy()) == int(gan.d_opt_fake_term.iterations.numpy()) == 3


def test_mixed_precision_scales_each_term_with_its_own_optimizer(mnist_small):
  gan = make_gan('dcgan_tutorial', batch_size=8, d_pretrain_steps=0, mixed_precision=True)
  d0 = [w.numpy().copy() for w in gan.discriminator.trainable_variables]
  metrics = gan.train_step(*batch(mnist_small, 8))
  assert int(metrics['nonfinite']) == 0
  for opt in (gan.d_opt, gan.d_opt_fake_term):
    assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
  assert gan.d_opt.dynamic_scale is not gan.d_opt_fake_term.dynamic_scale
  assert any(not np.array_equal(b, w.numpy())
             for b, w in zip(d0, gan.discriminator.trainable_variables))
