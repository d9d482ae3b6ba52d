"""`dcgan_upsample`: the Keras DCGAN (UpSampling2D generator, strided-conv discriminator).

G: dense 1568 ReLU -> reshape 7x7x32 -> conv 64 3x3, BN, ReLU, upsample x2 -> conv 128 3x3,
BN, ReLU, upsample x2 -> conv 64 3x3, BN, ReLU -> conv 1 3x3 tanh. D: conv 32 3x3 s2, BN,
LeakyReLU 0.2 -> conv 64 s2, BN, LeakyReLU -> conv 128 s2, BN, LeakyReLU -> global average
pool -> dense 1 (sigmoid in the loss). BN momentum 0.8 as in the Keras original; noise N(0, 1)
dim 100; data in [-1, 1]; BCE; Adam 2e-4 beta1 0.5; batch 256. Like the original's two
`train_on_batch` calls, D takes one step on the real batch and then one on the fake batch.
"""
import keras

from models.presets.base import Preset

L = keras.layers


def _block(filters, strides=1, upsample=False, leaky=False):
  layers = [L.Conv2D(filters, 3, strides, 'same'), L.BatchNormalization(momentum=0.8),
            L.LeakyReLU(0.2) if leaky else L.ReLU()]
  return layers + ([L.UpSampling2D()] if upsample else [])


class Generator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential(
        [L.Dense(1568, 'relu'), L.Reshape((7, 7, 32))] + _block(64, upsample=True)
        + _block(128, upsample=True) + _block(64) + [L.Conv2D(1, 3, padding='same',
                                                              activation='tanh')])

  def call(self, noise, labels=None, training=False):
    return self.net(noise, training=training)


class Discriminator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential(
        _block(32, 2, leaky=True) + _block(64, 2, leaky=True) + _block(128, 2, leaky=True)
        + [L.GlobalAveragePooling2D(), L.Dense(1)])

  def call(self, images, labels=None, training=False):
    return self.net(images, training=training)


PRESET = Preset(
    name='dcgan_upsample', description='Keras DCGAN with UpSampling2D generator',
    build_generator=Generator, build_discriminator=Discriminator, loss='nonsaturating',
    noise_dim=100, noise='normal', conditional=False, batch_size=256, lr_g=2e-4, lr_d=2e-4,
    beta_1=0.5, d_split_real_fake=True, pixel_range='symmetric')
