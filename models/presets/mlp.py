"""`mlp`: the vanilla GAN of Goodfellow et al. (2014) as in the well-known TF reproduction.

G 100 -> 256 ReLU -> 784 sigmoid; D 784 -> 256 ReLU -> 1 (sigmoid in the loss). Weights are
N(0, 1/sqrt(fan_in/2)) ("xavier_init" of that code, = untruncated He normal), biases zero.
Noise U(-1, 1) of dim 100; Adam 2e-4 (default betas); batch 128; one D then one G update.
"""
import keras

from models.presets.base import IMAGE_SHAPE, Preset


def _init():
  # stddev = 1/sqrt(fan_in/2) = sqrt(2/fan_in): VarianceScaling(2, fan_in, untruncated normal).
  return keras.initializers.VarianceScaling(2.0, 'fan_in', 'untruncated_normal')


class Generator(keras.Model):

  def __init__(self):
    super().__init__()
    self.hidden = keras.layers.Dense(256, 'relu', kernel_initializer=_init())
    pixels = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    self.out = keras.layers.Dense(pixels, 'sigmoid', kernel_initializer=_init())
    self.reshape = keras.layers.Reshape(IMAGE_SHAPE)

  def call(self, noise, labels=None, training=False):
    return self.reshape(self.out(self.hidden(noise)))


class Discriminator(keras.Model):

  def __init__(self):
    super().__init__()
    self.flatten = keras.layers.Flatten()
    self.hidden = keras.layers.Dense(256, 'relu', kernel_initializer=_init())
    self.out = keras.layers.Dense(1, kernel_initializer=_init())

  def call(self, images, labels=None, training=False):
    return self.out(self.hidden(self.flatten(images)))


PRESET = Preset(
    name='mlp', description='Vanilla GAN (Goodfellow et al. 2014), 1 hidden layer MLPs',
    build_generator=Generator, build_discriminator=Discriminator, loss='nonsaturating',
    noise_dim=100, noise='uniform', conditional=False, batch_size=128, lr_g=2e-4, lr_d=2e-4,
    g_noise='fresh')
