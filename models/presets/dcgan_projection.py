"""`dcgan_projection`: small conditional DCGAN, label planes in G, projection D.

Sized for 2 CPU cores (docs/presets.md has the runs behind each choice); its D is also
`cbn`'s and `default`'s, which measured better with conditional BatchNorm in G and the hinge
loss (docs/quality.md).

G: [z (64, N(0,1)), one-hot y] -> dense 7x7x64, BN, ReLU -> concat y maps -> transposed conv
32 4x4 s2 (14x14), BN, ReLU -> transposed conv 1 4x4 s2 (28x28) -> tanh.
D (projection discriminator, Miyato & Koyama 2018): conv 32 4x4 s2, LeakyReLU 0.2 -> conv 64
4x4 s2, LeakyReLU -> flatten -> dense 256, LeakyReLU -> dense 1 + <embed(y), features>.
Non-saturating loss, Adam 2e-4 (beta1 0.5) for both, batch 64, EMA of G (0.999, warmed up)
is what gets exported. Data in [-1, 1].
"""
import dataclasses
import functools

import keras
import tensorflow as tf

from models.presets.base import NUM_CLASSES, Preset, concat_label, concat_label_maps, one_hot

L = keras.layers


class Generator(keras.Model):

  def __init__(self, width=32):
    super().__init__()
    self.fc = L.Dense(7 * 7 * 2 * width, use_bias=False)
    self.bn0 = L.BatchNormalization()
    self.reshape = L.Reshape((7, 7, 2 * width))
    self.up1 = L.Conv2DTranspose(width, 4, 2, 'same', use_bias=False)
    self.bn1 = L.BatchNormalization()
    self.up2 = L.Conv2DTranspose(1, 4, 2, 'same', activation='tanh')

  def call(self, noise, labels=None, training=False):
    y = one_hot(labels)
    h = keras.activations.relu(self.bn0(self.fc(concat_label(noise, y)), training=training))
    h = concat_label_maps(self.reshape(h), y)
    h = keras.activations.relu(self.bn1(self.up1(h), training=training))
    return self.up2(h)


class Discriminator(keras.Model):

  def __init__(self, width=32, spectral_norm=False, label_maps=False):
    super().__init__()
    self.label_maps = label_maps
    wrap = (lambda l: L.SpectralNormalization(l)) if spectral_norm else (lambda l: l)
    self.conv1 = wrap(L.Conv2D(width, 4, 2, 'same'))
    self.conv2 = wrap(L.Conv2D(2 * width, 4, 2, 'same'))
    self.flatten = L.Flatten()
    self.fc = wrap(L.Dense(256))
    self.out = wrap(L.Dense(1))
    self.embed = L.Embedding(NUM_CLASSES, 256)

  def call(self, images, labels=None, training=False):
    lrelu = lambda t: keras.activations.leaky_relu(t, 0.2)
    if self.label_maps:  # label also as input planes: D can judge class from layer one
      images = concat_label_maps(images, one_hot(labels))
    h = lrelu(self.conv1(images, training=training))
    h = lrelu(self.conv2(h, training=training))
    h = lrelu(self.fc(self.flatten(h), training=training))
    projection = keras.ops.sum(self.embed(keras.ops.cast(labels, 'int32')) * h, axis=-1,
                               keepdims=True)
    return self.out(h, training=training) + projection


PRESET = Preset(
    name='dcgan_projection',
    description='Small conditional DCGAN, label planes in G, projection D, EMA generator',
    build_generator=Generator, build_discriminator=Discriminator, loss='nonsaturating',
    noise_dim=64, noise='normal', conditional=True, batch_size=64, lr_g=2e-4, lr_d=2e-4,
    beta_1=0.5, pixel_range='symmetric', ema_decay=0.999)


# Alternatives measured against PRESET (bench/preset_quality.py --variant NAME; see docs/presets.md).
VARIANTS = {
    'base': {},
    'labelmaps': dict(build_discriminator=functools.partial(Discriminator, label_maps=True)),
    'wide': dict(build_generator=functools.partial(Generator, width=64),
                 build_discriminator=functools.partial(Discriminator, width=64)),
    # Measured as 'small' / 'small_hinge_sn' when the default width was 64.
    'small': {},
    'small_hinge_sn': dict(loss='hinge',
                           build_discriminator=functools.partial(Discriminator, spectral_norm=True)),
}


def variant(preset, name):
  return dataclasses.replace(preset, **VARIANTS[name])
