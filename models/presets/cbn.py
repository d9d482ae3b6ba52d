"""`cbn`: `dcgan_projection` with class-conditional BatchNorm in G instead of label planes.

Conditional BatchNorm (de Vries et al. 2017; the conditional generators of SNGAN and BigGAN)
gives every class its own gain and shift after each normalisation, so the label steers
every feature map of G instead of entering once as 10 extra input planes. G: [z (64,
N(0,1)), one-hot y] -> dense 7x7x64 -> cBN, ReLU -> transposed conv 32 4x4 s2 (14x14) ->
cBN, ReLU -> transposed conv 1 4x4 s2 (28x28) -> tanh. D, loss, optimizer, batch and EMA as
`dcgan_projection` (projection discriminator). The per-class gains and shifts are one-hot @
kernel (one dense layer, starting at gain 1 and shift 0: plain BatchNorm), which TFLite runs
as FULLY_CONNECTED rather than a gather. With the hinge loss this is `default`.
"""
import dataclasses

import keras
import tensorflow as tf

from models.presets import dcgan_projection
from models.presets.base import concat_label, one_hot

L = keras.layers


def _gain_one_shift_zero(shape, dtype=None):
  """Kernel of the per-class [gain | shift]: every class starts at gain 1, shift 0."""
  rows, columns = shape
  half = columns // 2
  return tf.concat([tf.ones([rows, half], dtype), tf.zeros([rows, columns - half], dtype)], -1)


class ConditionalBatchNorm(L.Layer):
  """BatchNorm without its own affine, then gain[y] * x + shift[y] per channel.

  One dense layer holds both, one row [gain | shift] per class, starting at gain 1 and
  shift 0: plain BatchNorm. (Gain as 1 + a zero-initialised delta trains identically, same
  gradients and Adam steps, but leaves an all-zero tensor in an untrained model, which int8
  calibration cannot give a scale; [1 | 0] spans [0, 1] and the halves share its scale.)
  """

  def __init__(self, channels, **kwargs):
    super().__init__(**kwargs)
    self.channels = channels
    self.norm = L.BatchNormalization(center=False, scale=False)
    self.affine = L.Dense(2 * channels, use_bias=False, kernel_initializer=_gain_one_shift_zero)

  def call(self, x, y_onehot, training=False):
    h = self.norm(x, training=training)
    affine = self.affine(y_onehot)[:, None, None, :]
    return h * affine[..., :self.channels] + affine[..., self.channels:]


class Generator(keras.Model):

  def __init__(self, width=32):
    super().__init__()
    self.fc = L.Dense(7 * 7 * 2 * width, use_bias=False)
    self.reshape = L.Reshape((7, 7, 2 * width))
    self.bn0 = ConditionalBatchNorm(2 * width)
    self.up1 = L.Conv2DTranspose(width, 4, 2, 'same', use_bias=False)
    self.bn1 = ConditionalBatchNorm(width)
    self.up2 = L.Conv2DTranspose(1, 4, 2, 'same', activation='tanh')

  def call(self, noise, labels=None, training=False):
    y = one_hot(labels)
    h = self.reshape(self.fc(concat_label(noise, y)))
    h = keras.activations.relu(self.bn0(h, y, training=training))
    h = keras.activations.relu(self.bn1(self.up1(h), y, training=training))
    return self.up2(h)


PRESET = dataclasses.replace(
    dcgan_projection.PRESET, name='cbn',
    description='dcgan_projection with class-conditional BatchNorm in G (no label planes)',
    build_generator=Generator)
