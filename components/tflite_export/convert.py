"""SavedModel -> the four TFLite variants, converted in a child process.

`tf.lite.TFLiteConverter.from_saved_model` is called directly (TFX's rewriter exposes too
few options). The conversion runs in a separate Python process because the MLIR converter
can abort the whole process (e.g. `LLVM ERROR` on Keras 3 variables in TF 2.16) instead of
raising; in a child that becomes an error naming the variant, not a dead orchestrator.
Converter errors are translated into one line naming the variant and the offending ops.
The int8 model then gets the ONE_HOT repair of fixups.py (a measured converter defect).

Every signature of generator_spec.TFLITE_SIGNATURES the SavedModel has goes into one file:
`serving_default` (any batch; subgraph 0) and `serving_web` (fixed batch). Full-integer
variants are calibrated through both, each fed at its own batch.
"""
import json
import os
import re
import subprocess
import sys
from typing import Dict, List, Sequence, Tuple

import numpy as np

from components.tflite_export import fixups, uint8_output
from formats import generator_spec, variants

VARIANTS = variants.TFLITE_VARIANTS
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_OP_PATTERNS = (
    re.compile(r"'(tfl?\.\w+)' op is neither a custom op nor a flex op"),
    re.compile(r"Quantization not yet supported for op: '?([\w.]+)'?"),
    re.compile(r"'(tfl?\.\w+)' op"),
)


class ConversionError(RuntimeError):
  """A variant could not be converted; the message names the variant (and ops if known)."""


def translate_error(variant: str, message: str) -> str:
  """One readable line from a ConverterError's MLIR dump: variant, ops, first error."""
  ops = []
  for pattern in _OP_PATTERNS:
    ops = sorted(set(pattern.findall(message)))
    if ops:
      break
  errors = [l.strip() for l in message.splitlines() if 'error' in l.lower()]
  detail = errors[0] if errors else message.strip().splitlines()[0] if message.strip() else ''
  what = f'unsupported op(s) {", ".join(ops)}' if ops else 'converter error'
  return f'TFLite variant {variant!r}: {what}: {detail[:500]}'


def calibration_batches(calibration: Dict[str, np.ndarray], signatures: Sequence[str]):
  """(signature, inputs) pairs for the converter's representative dataset: one example per
  step through serving_default, as a phone calls it; WEB_BATCH at a time through the web
  signature (a fixed batch takes no other). Covers every label (see executor)."""
  count = len(calibration[generator_spec.NOISE_INPUT])
  for signature in signatures:
    batch = generator_spec.WEB_BATCH if signature == generator_spec.WEB_SIGNATURE else 1
    for i in range(0, count - batch + 1, batch):
      yield signature, {name: values[i:i + batch] for name, values in calibration.items()}


def make_converter(saved_model_dir: str, variant: str, calibration: Dict[str, np.ndarray],
                   int8_io: bool,
                   signatures: Sequence[str] = (generator_spec.SERVING_SIGNATURE,)):
  """The converter configured for one variant (TensorFlow is imported only here)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  converter = tf.lite.TFLiteConverter.from_saved_model(saved_model_dir,
                                                       signature_keys=list(signatures))
  if variant == variants.FP32:
    return converter
  converter.optimizations = [tf.lite.Optimize.DEFAULT]
  if variant == variants.FP16:
    converter.target_spec.supported_types = [tf.float16]
  elif variant in variants.FULL_INTEGER_VARIANTS:
    converter.representative_dataset = lambda: calibration_batches(calibration, signatures)
    # INT8 builtins only. (TF 2.16 still leaves an unquantizable op in float rather than
    # failing, so checks.py also inspects the result.)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
      converter.inference_input_type = tf.int8
      converter.inference_output_type = tf.int8
    if variant == variants.UINT8_OUT:  # a final QUANTIZE to uint8 (uint8_output.py)
      converter.inference_output_type = tf.uint8
  elif variant != variants.DYNAMIC_INT8:
    raise ValueError(f'Unknown TFLite variant {variant!r}; known: {VARIANTS}')
  return converter


def _child_main(job_path: str) -> int:
  """Child process: converts each variant of the job into `<out_dir>/<variant>.tflite`."""
  with open(job_path) as f:
    job = json.load(f)
  calibration = dict(np.load(job['calibration']))
  status = os.path.join(job['out_dir'], 'status.json')
  repaired = {}
  for variant in job['variants']:
    with open(status, 'w') as f:  # tells the parent which variant a crash happened in
      json.dump({'converting': variant}, f)
    try:
      model = make_converter(job['saved_model'], variant, calibration, job['int8_io'],
                             job['signatures']).convert()
    except Exception as e:  # pylint: disable=broad-except
      with open(status, 'w') as f:
        json.dump({'failed': variant, 'error': translate_error(variant, str(e))}, f)
      return 2
    if variant in variants.FULL_INTEGER_VARIANTS:
      model, repaired[variant] = fixups.fix_one_hot_quantization(model)
    if variant == variants.UINT8_OUT:
      model, _ = uint8_output.pin_output_scale(model, f'TFLite variant {variant!r}')
    with open(os.path.join(job['out_dir'], f'{variant}.tflite'), 'wb') as f:
      f.write(model)
  with open(status, 'w') as f:
    json.dump({'done': job['variants'], 'one_hot_repaired': repaired}, f)
  return 0


def convert_all(saved_model_dir: str, out_dir: str, calibration: Dict[str, np.ndarray],
                int8_io: bool, variants: List[str] = VARIANTS,
                signatures: Sequence[str] = (generator_spec.SERVING_SIGNATURE,),
                timeout_s: float = 1800) -> Tuple[Dict[str, str], Dict[str, int]]:
  """Converts every variant in a child process; returns (variant -> .tflite path,
  variant -> number of ONE_HOT constants repaired by fixups.py).

  Raises ConversionError naming the variant when the converter fails or crashes."""
  os.makedirs(out_dir, exist_ok=True)
  np.savez(os.path.join(out_dir, 'calibration.npz'), **calibration)
  job_path = os.path.join(out_dir, 'job.json')
  with open(job_path, 'w') as f:
    json.dump({'saved_model': saved_model_dir, 'out_dir': out_dir, 'int8_io': bool(int8_io),
               'calibration': os.path.join(out_dir, 'calibration.npz'),
               'variants': list(variants), 'signatures': list(signatures)}, f)
  env = dict(os.environ, PYTHONPATH=os.pathsep.join(
      [_REPO] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]))
  proc = subprocess.run([sys.executable, '-m', 'components.tflite_export.convert', job_path],
                        env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
  try:
    with open(os.path.join(out_dir, 'status.json')) as f:
      status = json.load(f)
  except (OSError, ValueError):
    status = {}
  if proc.returncode == 0 and 'done' in status:
    return ({v: os.path.join(out_dir, f'{v}.tflite') for v in variants},
            status.get('one_hot_repaired', {}))
  if 'failed' in status:
    raise ConversionError(status['error'])
  tail = ' | '.join(l for l in proc.stderr.strip().splitlines()[-5:])
  variant = status.get('converting', '?')
  raise ConversionError(
      f'TFLite variant {variant!r}: the converter process died (exit code {proc.returncode}) '
      f'converting {saved_model_dir}; last stderr lines: {tail}')


if __name__ == '__main__':
  sys.exit(_child_main(sys.argv[1]))
