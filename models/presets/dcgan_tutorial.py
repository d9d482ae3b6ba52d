"""`dcgan_tutorial`: the classic TensorFlow GAN tutorial ("GANs for beginners", MNIST).

D: conv 32 5x5 same, ReLU, avg-pool 2 -> conv 64 5x5 same, ReLU, avg-pool 2 -> dense 1024
ReLU -> dense 1 logit. G: z (100, N(0,1)) -> dense 3136 -> reshape 56x56x1, BN, ReLU -> conv 50
3x3 s2, BN, ReLU, resize to 56x56 -> conv 25 3x3 s2, BN, ReLU, resize to 56x56 -> conv 1 1x1
s2 -> sigmoid (28x28). Weights truncated N(0, 0.02), biases 0. Sigmoid cross-entropy; D alone
for 300 steps first; batch 50; per step D, then one G update on a newly drawn z batch (as the
tutorial's loop). G: Adam 1e-4. D: two Adam 3e-4, one minimising the real term and one the
fake term, both from the same weights (the tutorial's two `minimize` ops in one `sess.run`):
one Adam on their sum lets D win outright and G collapse to one blob (docs/quality.md).
BN as tf.contrib's (epsilon 1e-5, no scale); momentum 0.99 instead of 0.999 because the exported
G uses the moving statistics (the tutorial always ran BN in training mode).
"""
import keras
import tensorflow as tf

from models.presets.base import Preset

L = keras.layers


def _init():
  return keras.initializers.TruncatedNormal(stddev=0.02)


def _conv(filters, kernel, strides=1):
  return L.Conv2D(filters, kernel, strides, 'same', kernel_initializer=_init())


def _bn():
  return L.BatchNormalization(momentum=0.99, epsilon=1e-5, scale=False)


class Resize56(L.Layer):
  """Bilinear resize back to 56x56, as tf.image.resize_images in the tutorial."""

  def call(self, x):
    return tf.image.resize(x, (56, 56), method='bilinear')


class Generator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential([
        L.Dense(3136, kernel_initializer=_init()), L.Reshape((56, 56, 1)), _bn(), L.ReLU(),
        _conv(50, 3, 2), _bn(), L.ReLU(), Resize56(),
        _conv(25, 3, 2), _bn(), L.ReLU(), Resize56(),
        _conv(1, 1, 2), L.Activation('sigmoid'),
    ])

  def call(self, noise, labels=None, training=False):
    return self.net(noise, training=training)


class Discriminator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential([
        _conv(32, 5), L.ReLU(), L.AveragePooling2D(2, padding='same'),
        _conv(64, 5), L.ReLU(), L.AveragePooling2D(2, padding='same'),
        L.Flatten(), L.Dense(1024, 'relu', kernel_initializer=_init()),
        L.Dense(1, kernel_initializer=_init()),
    ])

  def call(self, images, labels=None, training=False):
    return self.net(images, training=training)


PRESET = Preset(
    name='dcgan_tutorial', description='Classic TensorFlow GAN tutorial (D pre-trained 300 steps)',
    build_generator=Generator, build_discriminator=Discriminator, loss='nonsaturating',
    noise_dim=100, noise='normal', conditional=False, batch_size=50, lr_g=1e-4, lr_d=3e-4,
    d_pretrain_steps=300, g_noise='fresh', d_optimizer_per_term=True)
