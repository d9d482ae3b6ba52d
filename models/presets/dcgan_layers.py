"""`dcgan_layers`: the tf.layers-era MNIST DCGAN with a 2-class real/fake softmax D.

G: dense 6*6*128 tanh -> reshape -> transposed conv 64 k4 s2 valid (14x14, tanh) ->
transposed conv 1 k2 s2 valid (28x28) -> sigmoid. D: conv 64 k5 valid tanh -> avg-pool 2 ->
conv 128 k5 valid tanh -> avg-pool 2 -> flatten -> dense 1024 tanh -> dense 2 logits.
Sparse softmax cross-entropy (G's target is "real"); noise U(-1, 1) dim 200; Adam 1e-3 for
both; batch 32. tf.layers defaults: Glorot-uniform kernels, zero biases (Keras defaults too).
"""
import keras

from models.presets.base import Preset

L = keras.layers


class Generator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential([
        L.Dense(6 * 6 * 128, 'tanh'), L.Reshape((6, 6, 128)),
        # The brief gives no activation here; tanh matches the rest of this design.
        L.Conv2DTranspose(64, 4, strides=2, padding='valid', activation='tanh'),
        L.Conv2DTranspose(1, 2, strides=2, padding='valid', activation='sigmoid'),
    ])

  def call(self, noise, labels=None, training=False):
    return self.net(noise, training=training)


class Discriminator(keras.Model):

  def __init__(self):
    super().__init__()
    self.net = keras.Sequential([
        L.Conv2D(64, 5, padding='valid', activation='tanh'), L.AveragePooling2D(2),
        L.Conv2D(128, 5, padding='valid', activation='tanh'), L.AveragePooling2D(2),
        L.Flatten(), L.Dense(1024, 'tanh'), L.Dense(2),
    ])

  def call(self, images, labels=None, training=False):
    return self.net(images, training=training)


PRESET = Preset(
    name='dcgan_layers', description='tf.layers DCGAN with a 2-class softmax discriminator',
    build_generator=Generator, build_discriminator=Discriminator, loss='softmax2',
    noise_dim=200, noise='uniform', conditional=False, batch_size=32, lr_g=1e-3, lr_d=1e-3)
