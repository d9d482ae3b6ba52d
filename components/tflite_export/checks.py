"""Checks that each converted variant is what its name promises (no TensorFlow needed).

The TF 2.16 converter can succeed while doing less than asked: with full-int8 options an op
it cannot quantize silently stays in float between DEQUANTIZE/QUANTIZE pairs, and dynamic
range quantization skips small tensors. So the converted flatbuffer itself is inspected.
"""
from typing import Dict, List

from formats import variants
from formats.generator_spec import IMAGES_OUTPUT, LABEL_INPUT, NOISE_INPUT

from components.tflite_export import litert_runner


class VariantCheckError(RuntimeError):
  """A converted variant is not quantized as its name says; the message names it."""


def check_variant(variant: str, generator: litert_runner.LiteRTGenerator,
                  model_bytes: bytes, conditional: bool, int8_io: bool) -> Dict[str, int]:
  """Raises VariantCheckError on a mismatch; returns the weight bytes per dtype."""
  problems: List[str] = []
  expected = sorted([NOISE_INPUT] + ([LABEL_INPUT] if conditional else []))
  if generator.input_names != expected:
    problems.append(f'signature inputs are {generator.input_names}, expected {expected}')
  if sorted(generator.outputs) != [IMAGES_OUTPUT]:
    problems.append(f'signature outputs are {sorted(generator.outputs)}, '
                    f'expected [{IMAGES_OUTPUT!r}]')
  weights = litert_runner.weight_bytes_by_dtype(model_bytes)
  if variant == variants.FP16 and not weights.get('float16'):
    problems.append('no float16 weights: the converter did not quantize any weight')
  if variant == variants.DYNAMIC_INT8 and not weights.get('int8'):
    problems.append('no int8 weights: the converter did not quantize any weight')
  if variant == variants.INT8:
    degenerate = generator.degenerate_activations()
    if degenerate:
      problems.append(f'activation(s) {", ".join(degenerate[:3])} calibrated to a near-zero '
                      'quantization scale (a constant tensor: does the generator draw the '
                      'same image for every input?)')
    float_ops = generator.float_ops()
    if float_ops:
      problems.append(f'op(s) {", ".join(float_ops)} could not be quantized to int8 '
                      '(the converter left them computing in float)')
    io = generator.io_details()
    io_dtype = 'int8' if int8_io else 'float32'
    wrong = {n: io[n]['dtype'] for n in (NOISE_INPUT, IMAGES_OUTPUT)
             if n in io and io[n]['dtype'] != io_dtype}
    if wrong:
      problems.append(f'expected {io_dtype} model I/O, got {wrong}')
  if problems:
    raise VariantCheckError(f'TFLite variant {variant!r}: ' + '; '.join(problems))
  return weights
