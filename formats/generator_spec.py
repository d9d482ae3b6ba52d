"""The generator's contract: its SavedModel signatures and tensor names, and the
generator_spec.json written beside it that says how to feed it.

    serving_default(noise float32 [N, noise_dim][, label int32 [N]]) -> {images}
    serving_web(noise float32 [16, noise_dim][, label int32 [16]]) -> {images}
    generate(seed int64 scalar, labels int64 [N]) -> {images}   (draws the noise itself)
    images: float32 [N, 28, 28, 1] in [0, 1]

`serving_web` is `serving_default` at a fixed batch of WEB_BATCH: runtimes that run no
dynamic dimension (LiteRT.js in a browser) call it; phones resize `serving_default`. Both
take `label` as int32, which every runtime runs (LiteRT.js has no int64); the gates cast
the examples' int64 label to it (components/sample_quality/input_dtypes.py). Releases made
before the web signature existed have `serving_default` only, with an int64 label.

generator_spec.json (models/export.py writes it; the exporter, the gates and the CLI read
it): preset, conditional, noise_dim, noise {distribution, low/high or mean/stddev},
num_classes, image_shape, output_range, signatures. Plain JSON, read here without
TensorFlow; a missing or malformed field is an error naming the file and the field.
"""
import json
import os
from typing import Any, Callable, Dict, Optional

from formats import examples

SPEC_FILE = 'generator_spec.json'

SERVING_SIGNATURE = 'serving_default'
# Sorts after SERVING_SIGNATURE on purpose: the TFLite converter orders subgraphs by
# signature name, and TFMA and the metadata writer use subgraph 0, the dynamic one.
WEB_SIGNATURE = 'serving_web'
WEB_BATCH = 16
TFLITE_SIGNATURES = (SERVING_SIGNATURE, WEB_SIGNATURE)  # converted, in subgraph order
GENERATE_SIGNATURE = 'generate'
# TFMA feeds a signature the eval examples' features of the same names (formats/examples.py).
NOISE_INPUT = examples.NOISE_FEATURE
LABEL_INPUT = examples.LABEL_FEATURE
IMAGES_OUTPUT = 'images'
LABEL_DTYPE = 'int32'  # of LABEL_INPUT in SERVING_SIGNATURE and WEB_SIGNATURE
SEED_INPUT = 'seed'  # of GENERATE_SIGNATURE
LABELS_INPUT = 'labels'  # of GENERATE_SIGNATURE

DISTRIBUTIONS = ('uniform', 'normal')
IMAGE_SHAPE = list(examples.MODEL_IMAGE_SHAPE)  # a JSON list in the spec
OUTPUT_RANGE = [0.0, 1.0]


def signatures(conditional: bool) -> Dict[str, Dict[str, list]]:
  """The spec's `signatures` field: each signature's input and output names (and the
  fixed batch of the web one)."""
  serving = {'inputs': [NOISE_INPUT] + ([LABEL_INPUT] if conditional else []),
             'outputs': [IMAGES_OUTPUT]}
  return {
      SERVING_SIGNATURE: serving,
      WEB_SIGNATURE: dict(serving, batch=WEB_BATCH),
      GENERATE_SIGNATURE: {'inputs': [SEED_INPUT, LABELS_INPUT], 'outputs': [IMAGES_OUTPUT]},
  }


def tflite_signatures(spec: Dict[str, Any]) -> list:
  """The signatures of TFLITE_SIGNATURES a generator has, in subgraph order (a spec without
  a `signatures` field is from before it existed: serving_default only)."""
  present = spec.get('signatures') or {SERVING_SIGNATURE: {}}
  return [name for name in TFLITE_SIGNATURES if name in present]


def problems(spec: Any) -> list:
  """What is wrong with a parsed spec, one entry per field (empty: it is valid)."""
  if not isinstance(spec, dict):
    return ['the file must hold a JSON object']
  found = []
  if not isinstance(spec.get('conditional'), bool):
    found.append('"conditional" must be true or false')
  if not isinstance(spec.get('noise_dim'), int) or spec.get('noise_dim', 0) < 1:
    found.append('"noise_dim" must be a positive integer')
  noise = spec.get('noise')
  if not isinstance(noise, dict) or noise.get('distribution') not in DISTRIBUTIONS:
    found.append(f'"noise.distribution" must be one of {DISTRIBUTIONS}')
  if spec.get('conditional') and not isinstance(spec.get('num_classes'), int):
    found.append('"num_classes" must be an integer for a conditional generator')
  if spec.get('image_shape') != IMAGE_SHAPE:
    found.append(f'"image_shape" must be {IMAGE_SHAPE}')
  if spec.get('output_range') != OUTPUT_RANGE:
    found.append(f'"output_range" must be {OUTPUT_RANGE}')
  return found


def read(model_dir: str, exists: Optional[Callable[[str], bool]] = None,
         opener: Callable = open) -> Dict[str, Any]:
  """Loads and checks `<model_dir>/generator_spec.json`.

  Local files by default; a caller reading other filesystems passes `exists` and `opener`
  (e.g. tf.io.gfile.exists and tf.io.gfile.GFile), which keeps this module TF-free.
  """
  path = os.path.join(model_dir, SPEC_FILE)
  if not (exists or os.path.isfile)(path):
    raise ValueError(f'No {SPEC_FILE} next to the generator SavedModel: {path} is missing.')
  try:
    with opener(path, 'r') as f:
      spec = json.load(f)
  except Exception as e:  # pylint: disable=broad-except  (OSError, tf.errors.OpError, ...)
    raise ValueError(f'Unreadable generator spec {path}: {e}') from e
  found = problems(spec)
  if found:
    raise ValueError(f'Invalid generator spec {path}: ' + '; '.join(found))
  return spec


def write(model_dir: str, spec: Dict[str, Any], opener: Callable = open) -> str:
  """Writes `spec` (checked first, so no invalid spec is ever written) beside the model."""
  path = os.path.join(model_dir, SPEC_FILE)
  found = problems(spec)
  if found:
    raise ValueError(f'Refusing to write an invalid generator spec {path}: ' + '; '.join(found))
  with opener(path, 'w') as f:
    json.dump(spec, f, indent=2)
  return path
