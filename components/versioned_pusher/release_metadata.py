"""Stamps the release version into the TFLite metadata of every .tflite file of a release.

The exporter writes each variant's metadata with the export's id as its version; the
version a release gets is only known when the publisher picks it. So the publisher calls
`stamp(folder, version)` on the assembled folder before it takes the inventory (the
manifest's sha256 then describes the stamped bytes), and the card's `metadata.version`
follows. Only the metadata's `version` field
changes (components/tflite_export/metadata.py); to prove that the shipped file computes
what the gate blessed, each stamped model is run with LiteRT beside the gated bytes on
seeded inputs, and any output that differs in a single bit refuses the release, naming the
file.
"""
import json
import os
from typing import Dict

import numpy as np

from components.tflite_export import generator_inputs, litert_runner, metadata
from formats import generator_spec, release, tflite_model, variants

CHECK_SAMPLES = 16  # inputs per variant (every digit of a conditional generator)
CHECK_SEED = 20_251_201  # any fixed seed: the same inputs for the gated and stamped bytes


class StampError(ValueError):
  """A stamped model does not compute exactly what the gated one did."""


def _tflite_files(folder: str) -> Dict[str, str]:
  """variant -> path of its model file in the release folder, for every variant."""
  found = {}
  for variant in variants.TFLITE_VARIANTS:
    path = release.tflite_file(folder, variant)
    if not os.path.isfile(path):
      raise ValueError(f'The release folder has no {variant} model: {path} is missing')
    found[variant] = path
  return found


def _images(model_bytes: bytes, noise, label) -> np.ndarray:
  # LiteRT's reference kernels, batch 1: deterministic. XNNPACK was seen returning wrong
  # images in a process that had run other models (litert_runner), which would refuse a
  # release whose bytes are right.
  return litert_runner.LiteRTGenerator(
      model_content=model_bytes, default_delegates=False).generate_batched(noise, label)


def stamp(folder: str, version: str) -> Dict[str, str]:
  """Rewrites each `<folder>/tflite/<variant>/model.tflite` with metadata version `version`.

  Returns variant -> the version each file carried before (the export's id). Raises
  StampError naming the file when the stamped model's outputs differ from the gated one's,
  ValueError naming it when it carries no metadata."""
  spec = generator_spec.read(release.saved_model_dir(folder))
  noise, label = generator_inputs.inputs(spec, CHECK_SAMPLES, CHECK_SEED)
  before = {}
  for variant, path in _tflite_files(folder).items():
    with open(path, 'rb') as f:
      gated = f.read()
    before[variant] = metadata.version_of(gated, path)
    stamped = metadata.set_version(gated, version, what=path)
    if not np.array_equal(_images(gated, noise, label), _images(stamped, noise, label)):
      raise StampError(f'{path}: writing release version {version} into its metadata changed '
                       'its outputs; refusing to ship a file the gate did not bless')
    with open(path, 'wb') as f:
      f.write(stamped)
    _stamp_card(release.card_file(folder, variant), version)
  return before


def _stamp_card(card_path: str, version: str) -> None:
  """The card's record of the file's metadata follows the file (if the card has one)."""
  if not os.path.isfile(card_path):
    return
  with open(card_path) as f:
    card = json.load(f)
  if isinstance(card.get(tflite_model.CARD_METADATA_FIELD), dict):
    card[tflite_model.CARD_METADATA_FIELD]['version'] = version
    with open(card_path, 'w') as f:
      json.dump(card, f, indent=2)
