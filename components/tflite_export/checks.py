"""Checks that each converted variant is what its name promises (no TensorFlow needed).

The TF 2.16 converter can succeed while doing less than asked: with full-int8 options an op
it cannot quantize silently stays in float between DEQUANTIZE/QUANTIZE pairs, and dynamic
range quantization skips small tensors. So the converted flatbuffer itself is inspected.
"""
from typing import Dict, List

from formats import variants
from formats.generator_spec import (IMAGES_OUTPUT, LABEL_INPUT, NOISE_INPUT, WEB_BATCH,
                                    WEB_SIGNATURE)

from components.tflite_export import litert_runner, uint8_output


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
  if variant in variants.FULL_INTEGER_VARIANTS:
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
    expected_io = {NOISE_INPUT: io_dtype,
                   IMAGES_OUTPUT: 'uint8' if variant == variants.UINT8_OUT else io_dtype}
    wrong = {n: io[n]['dtype'] for n, dtype in expected_io.items()
             if n in io and io[n]['dtype'] != dtype}
    if wrong:
      problems.append(f'expected model I/O {expected_io}, got {wrong}')
    if variant == variants.UINT8_OUT and IMAGES_OUTPUT in io and (
        abs(io[IMAGES_OUTPUT]['scale'] - uint8_output.SCALE) > 1e-9 or
        io[IMAGES_OUTPUT]['zero_point'] != uint8_output.ZERO_POINT):
      problems.append(f'uint8 output quantized as scale {io[IMAGES_OUTPUT]["scale"]}, zero '
                      f'point {io[IMAGES_OUTPUT]["zero_point"]}, not 1/255 and 0 (gray levels)')
  if problems:
    raise VariantCheckError(f'TFLite variant {variant!r}: ' + '; '.join(problems))
  return weights


def check_signature(variant: str, runner: litert_runner.LiteRTGenerator,
                    main: litert_runner.LiteRTGenerator) -> None:
  """`runner`'s signature takes what the main (serving_default) one takes: the same tensors,
  names and dtypes (quantization may differ: each signature is calibrated on its own), at
  any batch for serving_default, at WEB_BATCH for the web signature."""
  problems: List[str] = []
  io, main_io = runner.io_details(), main.io_details()
  if sorted(io) != sorted(main_io):
    problems.append(f'tensors {sorted(io)}, but {main.signature!r} has {sorted(main_io)}')
  for name in sorted(set(io) & set(main_io)):
    if io[name]['dtype'] != main_io[name]['dtype'] or io[name]['shape'][1:] != main_io[name]['shape'][1:]:
      problems.append(f'{name} is {io[name]["dtype"]} {io[name]["shape"]}, but '
                      f'{main_io[name]["dtype"]} {main_io[name]["shape"]} in {main.signature!r}')
  expected_batch = WEB_BATCH if runner.signature == WEB_SIGNATURE else None
  if runner.fixed_batch != expected_batch:
    problems.append(f'batch {runner.fixed_batch or "any"}, expected {expected_batch or "any"}')
  if problems:
    raise VariantCheckError(f'TFLite variant {variant!r}, signature {runner.signature!r}: '
                            + '; '.join(problems))
