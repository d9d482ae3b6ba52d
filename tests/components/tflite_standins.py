"""Small stand-in generators (tf_keras) exported in the trainer's contract, for TFLite tests.

Same SavedModel layout as models/export.py (formats/generator_spec.py):
`serving_default(noise[, label int32])` -> {'images': float32 [N, 28, 28, 1] in [0, 1]}, the
same at a fixed batch as `serving_web`, a `generate(seed, labels)` signature with stateless
RNG, and generator_spec.json with the keys models/export.py writes. `legacy=True` exports
what releases made before the web signature hold: `serving_default` alone, label int64.
Two architectures mirror the presets: a conditional DCGAN like `default` (normal noise,
BN, transposed convs, tanh) and an unconditional MLP like `mlp` (uniform noise, sigmoid).
"""
import json
import os

import numpy as np
import tensorflow as tf
import tf_keras as keras

from formats import generator_spec as contract

L = keras.layers


class ConditionalG(keras.Model):

  def __init__(self, noise_dim=64, width=32):
    super().__init__()
    self.noise_dim = noise_dim
    self.fc = L.Dense(7 * 7 * 2 * width, use_bias=False)
    self.bn0 = L.BatchNormalization()
    self.reshape = L.Reshape((7, 7, 2 * width))
    self.up1 = L.Conv2DTranspose(width, 4, 2, 'same', use_bias=False)
    self.bn1 = L.BatchNormalization()
    self.up2 = L.Conv2DTranspose(1, 4, 2, 'same', activation='tanh')

  def call(self, noise, labels=None, training=False):
    y = tf.one_hot(labels, 10)
    h = tf.nn.relu(self.bn0(self.fc(tf.concat([noise, y], -1)), training=training))
    h = self.reshape(h)
    shape = tf.shape(h)
    h = tf.concat([h, tf.ones([shape[0], shape[1], shape[2], 10]) * y[:, None, None, :]], -1)
    h = tf.nn.relu(self.bn1(self.up1(h), training=training))
    return (self.up2(h) + 1.0) / 2.0  # 'symmetric' pixel range -> [0, 1]


class MlpG(keras.Model):

  def __init__(self, noise_dim=100):
    super().__init__()
    self.noise_dim = noise_dim
    self.hidden = L.Dense(256, 'relu')
    self.out = L.Dense(784, 'sigmoid')

  def call(self, noise, labels=None, training=False):
    return tf.reshape(self.out(self.hidden(noise)), [-1, 28, 28, 1])


class _Module(tf.Module):

  def __init__(self, generator, conditional, distribution, extra_op=None, legacy=False):
    super().__init__()
    self.generator = generator
    self._extra_op = extra_op
    label_dtype = tf.int64 if legacy else tf.dtypes.as_dtype(contract.LABEL_DTYPE)

    def serving(batch):
      z = tf.TensorSpec([batch, generator.noise_dim], tf.float32, name='noise')
      if conditional:
        return tf.function(lambda noise, label: self._images(noise, label), input_signature=[
            z, tf.TensorSpec([batch], label_dtype, name='label')])
      return tf.function(lambda noise: self._images(noise, None), input_signature=[z])

    self.serve_any_batch = serving(None)
    self.serve_web_batch = None if legacy else serving(contract.WEB_BATCH)
    self._conditional, self._distribution = conditional, distribution
    self.generate = tf.function(self._generate, input_signature=[
        tf.TensorSpec([], tf.int64, name='seed'), tf.TensorSpec([None], tf.int64, name='labels')])

  def _images(self, noise, label):
    labels = tf.zeros(tf.shape(noise)[:1], tf.int32) if label is None else tf.cast(label, tf.int32)
    images = self.generator(noise, labels, training=False)
    if self._extra_op is not None:  # for tests of ops the int8 quantizer cannot handle
      images = self._extra_op(images)
    return {'images': tf.clip_by_value(images, 0.0, 1.0)}

  def _generate(self, seed, labels):
    shape = [tf.shape(labels)[0], self.generator.noise_dim]
    key = tf.stack([seed, tf.constant(0, tf.int64)])
    z = (tf.random.stateless_normal(shape, key) if self._distribution == 'normal'
         else tf.random.stateless_uniform(shape, key, -1.0, 1.0))
    return self._images(z, labels if self._conditional else None)


def spec(preset, conditional, noise_dim, distribution, legacy=False):
  """generator_spec.json content, with exactly the keys models/export.py writes."""
  signatures = contract.signatures(conditional)
  if legacy:
    del signatures[contract.WEB_SIGNATURE]
  noise = {'uniform': {'distribution': 'uniform', 'low': -1.0, 'high': 1.0},
           'normal': {'distribution': 'normal', 'mean': 0.0, 'stddev': 1.0}}[distribution]
  return {
      'preset': preset, 'conditional': conditional, 'noise_dim': noise_dim, 'noise': noise,
      'num_classes': 10, 'image_shape': [28, 28, 1], 'output_range': [0.0, 1.0],
      'signatures': signatures}


def _spread(generator, seed):
  """Untrained nets draw nearly flat grey images; spread the last layer's weights so the
  output uses the whole [0, 1] range with saturated pixels, like a trained generator."""
  rng = np.random.default_rng(seed)
  last = generator.up2 if hasattr(generator, 'up2') else generator.out
  kernel, bias = last.get_weights()
  last.set_weights([kernel * 8.0, bias + rng.normal(0, 0.5, bias.shape).astype(bias.dtype)])


def export(kind, export_dir, seed=0, extra_op=None, legacy=False):
  """Builds the stand-in `kind` ('conditional' or 'mlp') and exports it to `export_dir`."""
  keras.utils.set_random_seed(seed)
  conditional = kind == 'conditional'
  generator = ConditionalG() if conditional else MlpG()
  distribution = 'normal' if conditional else 'uniform'
  generator(tf.zeros([2, generator.noise_dim]), tf.zeros([2], tf.int32))
  _spread(generator, seed)
  module = _Module(generator, conditional, distribution, extra_op, legacy)
  signatures = {contract.SERVING_SIGNATURE: module.serve_any_batch,
                contract.GENERATE_SIGNATURE: module.generate}
  if not legacy:
    signatures[contract.WEB_SIGNATURE] = module.serve_web_batch
  tf.saved_model.save(module, export_dir, signatures=signatures)
  name = 'standin_conditional' if conditional else 'standin_mlp'
  with open(os.path.join(export_dir, 'generator_spec.json'), 'w') as f:
    json.dump(spec(name, conditional, generator.noise_dim, distribution, legacy), f, indent=2)
  return export_dir
