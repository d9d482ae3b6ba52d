"""`cdcgan`: the conditional MNIST DCGAN of carpedm20/DCGAN-tensorflow (y_dim = 10).

G: [z (100, U(-1,1)), y] -> linear 1024, BN, ReLU -> concat y -> linear 128*7*7, BN, ReLU ->
reshape, concat y maps -> deconv 128 5x5 s2 (14x14), BN, ReLU -> concat y maps -> deconv 1
5x5 s2 (28x28) -> sigmoid. D: [x, y maps] -> conv 11 5x5 s2, lrelu -> concat y maps -> conv 74
5x5 s2, BN, lrelu -> flatten, concat y -> linear 1024, BN, lrelu -> concat y -> linear 1.
Init: linear/deconv N(0, 0.02), conv truncated N(0, 0.02), biases 0; BN momentum 0.9, eps 1e-5;
lrelu leak 0.2. Sigmoid cross-entropy; Adam 2e-4 beta1 0.5; batch 64; G updated twice per D.
"""
import keras

from models.presets.base import Preset, concat_label, concat_label_maps, one_hot

L = keras.layers


def _normal():
  return keras.initializers.RandomNormal(stddev=0.02)


def _truncated():
  return keras.initializers.TruncatedNormal(stddev=0.02)


def _bn():
  return L.BatchNormalization(momentum=0.9, epsilon=1e-5)


class Generator(keras.Model):

  def __init__(self):
    super().__init__()
    self.fc0, self.bn0 = L.Dense(1024, kernel_initializer=_normal()), _bn()
    self.fc1, self.bn1 = L.Dense(128 * 7 * 7, kernel_initializer=_normal()), _bn()
    self.reshape = L.Reshape((7, 7, 128))
    self.deconv2 = L.Conv2DTranspose(128, 5, 2, 'same', kernel_initializer=_normal())
    self.bn2 = _bn()
    self.deconv3 = L.Conv2DTranspose(1, 5, 2, 'same', kernel_initializer=_normal())

  def call(self, noise, labels=None, training=False):
    y = one_hot(labels)
    h = keras.activations.relu(self.bn0(self.fc0(concat_label(noise, y)), training=training))
    h = keras.activations.relu(self.bn1(self.fc1(concat_label(h, y)), training=training))
    h = concat_label_maps(self.reshape(h), y)
    h = keras.activations.relu(self.bn2(self.deconv2(h), training=training))
    return keras.activations.sigmoid(self.deconv3(concat_label_maps(h, y)))


class Discriminator(keras.Model):

  def __init__(self):
    super().__init__()
    self.conv0 = L.Conv2D(11, 5, 2, 'same', kernel_initializer=_truncated())
    self.conv1, self.bn1 = L.Conv2D(74, 5, 2, 'same', kernel_initializer=_truncated()), _bn()
    self.flatten = L.Flatten()
    self.fc2, self.bn2 = L.Dense(1024, kernel_initializer=_normal()), _bn()
    self.fc3 = L.Dense(1, kernel_initializer=_normal())

  def call(self, images, labels=None, training=False):
    y = one_hot(labels)
    lrelu = lambda t: keras.activations.leaky_relu(t, 0.2)
    h = lrelu(self.conv0(concat_label_maps(images, y)))
    h = lrelu(self.bn1(self.conv1(concat_label_maps(h, y)), training=training))
    h = lrelu(self.bn2(self.fc2(concat_label(self.flatten(h), y)), training=training))
    return self.fc3(concat_label(h, y))


PRESET = Preset(
    name='cdcgan', description='Conditional DCGAN of DCGAN-tensorflow (MNIST, y_dim=10)',
    build_generator=Generator, build_discriminator=Discriminator, loss='nonsaturating',
    noise_dim=100, noise='uniform', conditional=True, batch_size=64, lr_g=2e-4, lr_d=2e-4,
    beta_1=0.5, g_steps_per_d=2)
