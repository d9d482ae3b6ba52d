"""Draws digits from an exported generator and tiles them into a grayscale PNG grid.

A model is any of: a pushed version folder (or the serving dir whose LATEST names one), a
generator SavedModel folder, a `.tflite` file, or a TFLite model folder (the exporter's
`tflite` + card.json, or a release's `model.tflite` + card.json); the layouts are
formats/release.py's and formats/tflite_model.py's. TensorFlow is imported only for
SavedModels and LiteRT only for TFLite files, so a TFLite model draws on a machine with only
`ai-edge-litert` (plus numpy and Pillow) installed.
"""
import json
import math
import os
from typing import Optional

import numpy as np
from PIL import Image

from components.tflite_export import generator_inputs
from formats import examples, generator_spec, release, tflite_model

DIGITS = 10
_EXPECTED = (f'a pushed version folder ({release.SAVED_MODEL_DIR}/, {release.TFLITE_DIR}/, '
             f'{release.MANIFEST}), a serving dir with {release.LATEST}, a SavedModel folder '
             f'(saved_model.pb), a .tflite file or a TFLite folder ({tflite_model.MODEL_FILE} '
             f'or {release.TFLITE_FILE} + {tflite_model.CARD_FILE})')


def resolve(path: str, variant: Optional[str] = None):
  """('saved_model', folder) or ('tflite', file) for a --model path and --variant."""
  if not os.path.exists(path):
    raise ValueError(f'--model {path} does not exist; expected {_EXPECTED}.')
  if os.path.isfile(os.path.join(path, release.LATEST)):
    path = release.latest_version(path)
  if release.is_version(path):
    if variant is None:
      return 'saved_model', release.saved_model_dir(path)
    tflite = release.tflite_file(path, variant)
    if not os.path.isfile(tflite):
      raise ValueError(f'--variant {variant}: {tflite} is missing from the pushed version.')
    return 'tflite', tflite
  if variant is not None:
    raise ValueError(f'--variant needs a pushed version or serving dir; {path} is neither.')
  if os.path.isfile(path) and path.endswith('.tflite'):
    return 'tflite', path
  for name in (tflite_model.MODEL_FILE, release.TFLITE_FILE):
    if os.path.isfile(os.path.join(path, name)):
      return 'tflite', os.path.join(path, name)
  if os.path.isfile(os.path.join(path, 'saved_model.pb')):
    return 'saved_model', path
  raise ValueError(f'--model {path} is not a generator model; expected {_EXPECTED}.')


def tflite_spec(tflite_path: str) -> dict:
  """The generator's inputs for a .tflite: from card.json beside it, else generator_spec.json."""
  folder = os.path.dirname(tflite_path)
  card_path = os.path.join(folder, tflite_model.CARD_FILE)
  if not os.path.isfile(card_path):
    return generator_inputs.read_spec(folder)
  try:
    with open(card_path) as f:
      content = json.load(f)
    noise = next(i for i in content['inputs'] if i['name'] == generator_spec.NOISE_INPUT)
    # Keys as in generator_spec.json, so generator_inputs draws the noise the same way.
    return {'preset': content.get('preset'), 'noise_dim': noise['shape'][-1],
            'noise': noise['distribution'], 'num_classes': DIGITS,
            'conditional': any(i['name'] == generator_spec.LABEL_INPUT
                               for i in content['inputs'])}
  except (ValueError, KeyError, IndexError, StopIteration) as e:
    raise ValueError(f'Unreadable model card {card_path}: {type(e).__name__} {e}') from e


def labels_to_draw(spec: dict, digit: Optional[int], count: int, model: str):
  """int64 labels (None if unconditional): `count` of `digit`, or `count` of each digit."""
  if digit is not None and not 0 <= digit < DIGITS:
    raise ValueError(f'--digit {digit} is not a digit: use 0-{DIGITS - 1}.')
  if not spec['conditional']:
    if digit is not None:
      raise ValueError(f'--digit: model {model} (preset {spec.get("preset")!r}) is '
                       'unconditional, it cannot be asked for a digit; omit --digit.')
    return None
  if digit is not None:
    return np.full([count], digit, np.int64)
  return np.repeat(np.arange(DIGITS, dtype=np.int64), count)


def draw_saved_model(folder: str, labels, count: int, seed: int) -> np.ndarray:
  import tensorflow as tf  # pylint: disable=g-import-not-at-top  (SavedModel branch only)
  loaded = tf.saved_model.load(folder)
  # The `generate` signature draws the noise itself; for unconditional G labels only set N.
  labels = np.zeros([count], np.int64) if labels is None else labels
  out = loaded.signatures[generator_spec.GENERATE_SIGNATURE](
      **{generator_spec.SEED_INPUT: tf.constant(seed, tf.int64),
         generator_spec.LABELS_INPUT: tf.constant(labels, tf.int64)})
  return out[generator_spec.IMAGES_OUTPUT].numpy()


def draw_tflite(path: str, spec: dict, labels, count: int, seed: int) -> np.ndarray:
  from components.tflite_export import litert_runner  # pylint: disable=g-import-not-at-top
  n = count if labels is None else len(labels)
  generator = litert_runner.LiteRTGenerator(model_path=path)
  return generator.generate_batched(generator_inputs.noise(spec, n, seed), labels)


def tile(images: np.ndarray, cols: int) -> np.ndarray:
  """[N, H, W, 1] in [0, 1] -> uint8 [rows*H, cols*W]; empty cells stay black."""
  n, h, w = images.shape[:3]
  rows = math.ceil(n / cols)
  cells = np.zeros([rows * cols, h, w], np.uint8)
  cells[:n] = np.round(np.clip(images[..., 0], 0.0, 1.0) * examples.PIXEL_MAX)
  return cells.reshape(rows, cols, h, w).transpose(0, 2, 1, 3).reshape(rows * h, cols * w)


def generate(model: str, out: str, digit: Optional[int] = None, count: int = 16,
             seed: int = 0, variant: Optional[str] = None) -> str:
  """Writes the PNG grid to `out`; conditional without --digit -> row r shows digit r."""
  if count < 1:
    raise ValueError(f'--count {count}: draw at least one image.')
  kind, path = resolve(model, variant)
  spec = generator_inputs.read_spec(path) if kind == 'saved_model' else tflite_spec(path)
  labels = labels_to_draw(spec, digit, count, model)
  if kind == 'saved_model':
    images = draw_saved_model(path, labels, count, seed)
  else:
    images = draw_tflite(path, spec, labels, count, seed)
  per_digit_rows = labels is not None and digit is None
  grid = tile(images, count if per_digit_rows else math.ceil(math.sqrt(count)))
  os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
  Image.fromarray(grid).save(out, format='PNG')  # uint8 2-D -> 8-bit grayscale ('L')
  return out
