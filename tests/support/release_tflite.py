"""Checks of a pushed release's .tflite files, shared by the pusher and pipeline tests.

Every variant's `model.tflite` must carry TFLite metadata naming its preset and variant
with the release's version, load in LiteRT, compute exactly (bit for bit) what the gated
export computed, and be described by the manifest's sha256.
"""
import hashlib
import json
import os
from typing import Dict, Optional

import numpy as np

from components.tflite_export import generator_inputs, litert_runner, metadata
from formats import generator_spec, release, variants


def _outputs(model_bytes, noise, label):
  # Reference kernels: deterministic, unlike XNNPACK after other models ran in the process.
  return litert_runner.LiteRTGenerator(
      model_content=model_bytes, default_delegates=False).generate_batched(noise, label)


def check_pushed_tflite(version_dir: str, gated: Optional[Dict[str, str]] = None) -> None:
  """Asserts the above for every variant; `gated` maps variant -> the exported file the
  gate blessed (its outputs must equal the pushed file's), when the caller knows it."""
  version = os.path.basename(version_dir.rstrip('/'))
  with open(os.path.join(version_dir, release.MANIFEST)) as f:
    manifest = json.load(f)
  spec = generator_spec.read(release.saved_model_dir(version_dir))
  noise, label = generator_inputs.inputs(spec, 10, seed=11)
  for variant in variants.TFLITE_VARIANTS:
    path = release.tflite_file(version_dir, variant)
    with open(path, 'rb') as f:
      pushed = f.read()
    entry = manifest['files'][os.path.relpath(path, version_dir)]
    assert entry['sha256'] == hashlib.sha256(pushed).hexdigest(), path
    read_back = metadata.read(pushed, path)
    meta = read_back['metadata']
    assert meta['version'] == version, (path, meta['version'])
    assert meta['name'] == metadata.model_text(spec, variant)['name'], path
    assert meta['author'] and meta['license'], path
    tensors = meta['subgraph_metadata'][0]
    assert tensors['name'] == generator_spec.SERVING_SIGNATURE, path
    names = sorted(t['name'] for t in tensors['input_tensor_metadata'])
    assert names == sorted(spec['signatures'][generator_spec.SERVING_SIGNATURE]['inputs']), path
    assert [t['name'] for t in tensors['output_tensor_metadata']] == [
        generator_spec.IMAGES_OUTPUT], path
    if spec['conditional']:
      assert read_back['files'] == {metadata.LABELS_FILE: metadata.labels_file(spec)}, path
    images = _outputs(pushed, noise, label)  # LiteRT loads and runs it
    assert images.shape == (len(noise), 28, 28, 1), path
    if gated and variant in gated:
      with open(gated[variant], 'rb') as f:
        assert np.array_equal(images, _outputs(f.read(), noise, label)), path
