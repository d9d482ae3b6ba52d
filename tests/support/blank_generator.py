"""A deliberately broken GAN trainer for gate tests: its generator draws blank images.

It exports through the real models/export.py in the `default` preset's format (conditional,
same noise), so every stage after the Trainer treats it like a trained generator.
"""
import keras
import tensorflow as tf

from models import export
from models.presets import get_preset


class BlankGenerator(keras.Model):
  """tanh(about -3) everywhere: pixels below 0.003 after export, i.e. a black image.

  Not exactly constant: a constant output calibrates to an int8 scale of 0, which the
  TFLite export rightly rejects before the gate would see the model.
  """

  def __init__(self):
    super().__init__()
    self.dense = keras.layers.Dense(784, activation='tanh', kernel_initializer=keras.initializers.RandomNormal(stddev=1e-3, seed=0),
                                    bias_initializer=keras.initializers.Constant(-3.0))

  def call(self, noise, labels=None, training=False):
    return tf.reshape(self.dense(noise), [-1, 28, 28, 1])


def run_fn(fn_args):
  preset = get_preset('default')
  generator = BlankGenerator()
  generator(tf.zeros([1, preset.noise_dim]), tf.zeros([1], tf.int32))
  export.export_generator(generator, preset, fn_args.serving_model_dir)
