"""Parity of a TFLite variant with the SavedModel it came from, measured, never assumed.

The SavedModel side: load the generator, check its serving signature against
generator_spec.json, and compute reference images for a fixed set of seeded inputs. The
comparison: max / mean absolute pixel error and PSNR with images in [0, 1] (peak 1).
"""
import math
import os
from typing import Any, Dict, Optional

import numpy as np
import tensorflow as tf

from formats import generator_spec
from formats.generator_spec import IMAGES_OUTPUT, LABEL_INPUT, NOISE_INPUT
SIGNATURE = generator_spec.SERVING_SIGNATURE
# PSNR of identical images is infinite; report this ceiling instead (JSON/MLMD need finite).
MAX_PSNR_DB = 200.0


class ParityError(RuntimeError):
  """A variant is below its parity threshold; the message names variant and figure."""


def load_generator(model_dir: str, spec: Dict[str, Any]):
  """The SavedModel's serving function, after checking it matches the spec."""
  gfile = tf.io.gfile  # model_dir may be an artifact URI on gs://
  if not gfile.exists(os.path.join(model_dir, 'saved_model.pb')):
    raise ValueError(f'No generator SavedModel at {model_dir}: saved_model.pb is missing '
                     f'(folder contents: {sorted(gfile.listdir(model_dir)) if gfile.isdir(model_dir) else "no such folder"}).')
  try:
    loaded = tf.saved_model.load(model_dir)
  except Exception as e:  # pylint: disable=broad-except  (DecodeError, OSError, ...)
    raise ValueError(f'Cannot load the generator SavedModel at {model_dir}: '
                     f'{type(e).__name__}: {str(e)[:300]}') from e
  if SIGNATURE not in loaded.signatures:
    raise ValueError(f'SavedModel at {model_dir} has no {SIGNATURE!r} signature '
                     f'(has {sorted(loaded.signatures)})')
  fn = loaded.signatures[SIGNATURE]
  inputs = fn.structured_input_signature[1]
  expected = sorted([NOISE_INPUT] + ([LABEL_INPUT] if spec['conditional'] else []))
  problems = []
  if sorted(inputs) != expected:
    problems.append(f'inputs {sorted(inputs)}, expected {expected}')
  elif inputs[NOISE_INPUT].shape.as_list() != [None, spec['noise_dim']]:
    problems.append(f'{NOISE_INPUT} shape {inputs[NOISE_INPUT].shape}, '
                    f'expected [None, {spec["noise_dim"]}]')
  outputs = fn.structured_outputs
  if (sorted(outputs) != [IMAGES_OUTPUT]
      or outputs[IMAGES_OUTPUT].shape.as_list()[1:] != generator_spec.IMAGE_SHAPE):
    problems.append(f'outputs {outputs}, expected {IMAGES_OUTPUT} '
                    f'[None, {", ".join(map(str, generator_spec.IMAGE_SHAPE))}]')
  if problems:
    raise ValueError(f'SavedModel at {model_dir} does not match its '
                     f'{generator_spec.SPEC_FILE}: '
                     + '; '.join(problems))
  fn.loaded = loaded  # keep the trackable objects alive as long as the function
  return fn


def input_dtypes(fn) -> Dict[str, np.dtype]:
  """Each input of the serving function and the numpy dtype it takes."""
  return {name: spec.dtype.as_numpy_dtype
          for name, spec in fn.structured_input_signature[1].items()}


def reference_images(fn, feed: Dict[str, np.ndarray], batch_size: int = 250) -> np.ndarray:
  """SavedModel output for `feed` (name -> array), batched, as float32 numpy."""
  specs = fn.structured_input_signature[1]
  count = len(feed[NOISE_INPUT])
  parts = []
  for i in range(0, count, batch_size):
    batch = {name: tf.constant(values[i:i + batch_size], specs[name].dtype)
             for name, values in feed.items()}
    parts.append(fn(**batch)[IMAGES_OUTPUT].numpy())
  return np.concatenate(parts).astype(np.float32)


def compare(reference: np.ndarray, candidate: np.ndarray) -> Dict[str, float]:
  """max/mean absolute error and PSNR (peak 1) of `candidate` against `reference`."""
  if reference.shape != candidate.shape:
    raise ValueError(f'Shape mismatch: reference {reference.shape}, candidate {candidate.shape}')
  diff = np.abs(reference.astype(np.float64) - candidate.astype(np.float64))
  mse = float(np.mean(diff ** 2))
  psnr = MAX_PSNR_DB if mse <= 10 ** (-MAX_PSNR_DB / 10) else -10.0 * math.log10(mse)
  return {'max_abs_error': float(diff.max()), 'mean_abs_error': float(diff.mean()),
          'psnr_db': float(psnr)}


def check_threshold(variant: str, figures: Dict[str, float], min_psnr_db: Optional[float],
                    signature: str = SIGNATURE):
  """Raises ParityError when the variant's PSNR (through `signature`) is below its threshold."""
  if min_psnr_db is not None and not figures['psnr_db'] >= min_psnr_db:
    raise ParityError(
        f'TFLite variant {variant!r} fails parity through {signature!r}: PSNR {figures["psnr_db"]:.2f} dB < '
        f'threshold {min_psnr_db:.2f} dB (max abs error {figures["max_abs_error"]:.4g}, '
        f'mean abs error {figures["mean_abs_error"]:.4g} vs the SavedModel)')
