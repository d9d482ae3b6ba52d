"""Exports the generator alone as a SavedModel with three signatures, plus generator_spec.json.

`serving_default(noise[, label int32])` -> {'images': float32 [N, 28, 28, 1] in [0, 1]}.
`serving_web(noise[, label int32])` -> the same at a fixed batch of 16, for runtimes that run
no dynamic dimension (LiteRT.js in a browser).
`generate(seed int64 scalar, labels int64 [N])` -> same, drawing the noise with stateless
RNG in the preset's distribution (labels are ignored by unconditional presets but set N).
A tf.Module with tf.function signatures (not Keras model.save) so the SavedModel loads with
plain `tf.saved_model.load`, without this project's code. The names of signatures, tensors
and the spec file are the contract of formats/generator_spec.py.
"""
import tensorflow as tf

from formats import generator_spec as contract
from models import noise
from models.observe import to_unit
from models.presets import IMAGE_SHAPE, NUM_CLASSES


class GeneratorModule(tf.Module):

  def __init__(self, generator, preset):
    super().__init__(name='generator_module')
    # Track only the tf.Variables: a tracked Keras 3 model would make tf.saved_model.save
    # trace Keras' own single-input serving function, which a (noise, labels) G can't take.
    self._generator = lambda *args, **kw: generator(*args, **kw)
    self.variables_to_save = [getattr(v, 'value', v) for v in generator.weights]
    self._preset = preset
    # Attributes not named `serve`: with a tracked `serve`, TF 2.16's TFLite converter
    # silently converted serving_default alone when asked for two signatures (measured).
    self.serve_any_batch = self._serving_function(None)
    self.serve_web_batch = self._serving_function(contract.WEB_BATCH)
    self.generate = tf.function(self._generate)

  def _serving_function(self, batch):
    """serving(noise[, label]) at batch `batch` (None: any batch)."""
    z_spec = tf.TensorSpec([batch, self._preset.noise_dim], tf.float32,
                           name=contract.NOISE_INPUT)
    if self._preset.conditional:
      label_spec = tf.TensorSpec([batch], tf.dtypes.as_dtype(contract.LABEL_DTYPE),
                                 name=contract.LABEL_INPUT)
      return tf.function(lambda noise, label: self._images(noise, label),
                         input_signature=[z_spec, label_spec])
    return tf.function(lambda noise: self._images(noise, None), input_signature=[z_spec])

  def _images(self, z, labels):
    if labels is None:  # unconditional G ignores labels; give it the same call shape
      labels = tf.zeros(tf.shape(z)[:1], tf.int32)
    images = self._generator(z, tf.cast(labels, tf.int32), training=False)
    return {contract.IMAGES_OUTPUT: to_unit(images, self._preset)}

  def _generate(self, seed, labels):
    labels = tf.cast(labels, tf.int32)
    seed = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
    z = noise.sample_noise(self._preset.noise, [tf.shape(labels)[0], self._preset.noise_dim],
                           seed)
    return self._images(z, labels if self._preset.conditional else None)


def spec(preset):
  return {
      'preset': preset.name,
      'conditional': preset.conditional,
      'noise_dim': preset.noise_dim,
      'noise': noise.describe(preset.noise),
      'num_classes': NUM_CLASSES,
      'image_shape': list(IMAGE_SHAPE),
      'output_range': list(contract.OUTPUT_RANGE),
      'signatures': contract.signatures(preset.conditional),
  }


def export_generator(generator, preset, export_dir):
  """Writes the SavedModel and generator_spec.json into `export_dir`."""
  module = GeneratorModule(generator, preset)
  seed_spec = tf.TensorSpec([], tf.int64, name=contract.SEED_INPUT)
  generate_sig = module.generate.get_concrete_function(
      seed_spec, tf.TensorSpec([None], tf.int64, name=contract.LABELS_INPUT))
  # Also trace int32 labels so `loaded.generate(seed, int32_labels)` works when called.
  module.generate.get_concrete_function(seed_spec, tf.TensorSpec([None], tf.int32))
  tf.saved_model.save(module, export_dir,
                      signatures={contract.SERVING_SIGNATURE: module.serve_any_batch,
                                  contract.WEB_SIGNATURE: module.serve_web_batch,
                                  contract.GENERATE_SIGNATURE: generate_sig})
  contract.write(export_dir, spec(preset), opener=tf.io.gfile.GFile)
  return export_dir
