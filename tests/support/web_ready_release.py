"""A web-ready copy of a pushed release: what LiteRT.js can run, made from the same SavedModel.

LiteRT.js runs no int64 tensor and no dynamic dimension, and the shipped files' label input
is int64 with a dynamic batch. This converts the release's SavedModel behind a signature of
fixed batch 1 with an int32 label (cast to the SavedModel's int64 inside), with the
exporter's own converter settings (components/tflite_export/convert.py, ONE_HOT repair
included), and publishes it with cards whose shapes and dtypes are read back from the new
files. The browser test uses it to check the page's parity where the shipped files cannot
run in a browser.
"""
import json
import os
import shutil

import numpy as np
import tensorflow as tf

from components.tflite_export import convert, fixups, generator_inputs, litert_runner
from components.versioned_pusher import publish
from formats import generator_spec as contract
from formats import release, variants

BATCH = 1  # the converter's calibration feeds one example per step (convert.py)


class _WebSignature(tf.Module):

  def __init__(self, loaded, noise_dim):
    super().__init__()
    self.loaded = loaded  # keeps the SavedModel's variables tracked
    serve = loaded.signatures[contract.SERVING_SIGNATURE]
    self.serve = tf.function(
        lambda noise, label: {contract.IMAGES_OUTPUT: serve(
            **{contract.NOISE_INPUT: noise,
               contract.LABEL_INPUT: tf.cast(label, tf.int64)})[contract.IMAGES_OUTPUT]},
        input_signature=[tf.TensorSpec([BATCH, noise_dim], tf.float32, name=contract.NOISE_INPUT),
                         tf.TensorSpec([BATCH], tf.int32, name=contract.LABEL_INPUT)])


def _card(shipped_card, model_path):
  """The shipped card with each tensor's dtype and shape as the new file has them."""
  io = litert_runner.LiteRTGenerator(model_path=model_path).io_details()
  card = json.loads(json.dumps(shipped_card))
  for entry in card['inputs'] + card['outputs']:
    entry['dtype'], entry['shape'] = io[entry['name']]['dtype'], io[entry['name']]['shape']
  return card


def publish_web_ready(version_dir, root, variant_names=(variants.INT8, variants.FP16)):
  """Publishes the web-ready release into `<root>/serving`; returns (serving, version) dirs."""
  spec = contract.read(release.saved_model_dir(version_dir))
  if not spec['conditional']:
    raise ValueError('publish_web_ready wraps a conditional generator (noise and label)')
  wrapper = os.path.join(root, 'web_saved_model')
  module = _WebSignature(tf.saved_model.load(release.saved_model_dir(version_dir)),
                         spec['noise_dim'])
  tf.saved_model.save(module, wrapper, signatures={contract.SERVING_SIGNATURE: module.serve})
  noise, labels = generator_inputs.inputs(spec, 200, seed=0)
  calibration = {contract.NOISE_INPUT: noise, contract.LABEL_INPUT: labels.astype(np.int32)}

  def fill(folder):
    shutil.copytree(release.saved_model_dir(version_dir), release.saved_model_dir(folder))
    for variant in variant_names:
      model = convert.make_converter(wrapper, variant, calibration, int8_io=False).convert()
      if variant == variants.INT8:
        model, _ = fixups.fix_one_hot_quantization(model)
      os.makedirs(release.tflite_dir(folder, variant))
      with open(release.tflite_file(folder, variant), 'wb') as f:
        f.write(model)
      with open(release.card_file(version_dir, variant)) as f:
        card = _card(json.load(f), release.tflite_file(folder, variant))
      with open(release.card_file(folder, variant), 'w') as f:
        json.dump(card, f, indent=2)

  with open(os.path.join(version_dir, release.MANIFEST)) as f:
    manifest = {k: v for k, v in json.load(f).items() if k not in ('files', 'version')}
  serving = os.path.join(root, 'serving')
  return serving, publish.publish(serving, fill, manifest)
