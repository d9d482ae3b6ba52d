"""The TFLite variants of the generator, and which of them has a quality gate of its own.

Every producer and consumer takes the names from here: the exporter's output channels, the
gates, the pusher's `tflite/<variant>/` folders and the CLI's `--variant`.
"""
FP32 = 'fp32'
FP16 = 'fp16'
DYNAMIC_INT8 = 'dynamic_int8'  # int8 weights, float activations (dynamic-range quantization)
INT8 = 'int8'  # int8 weights and activations, calibrated (full-integer quantization)
# As INT8, but the image output is uint8 gray levels 0..255 (scale 1/255, zero point 0): a
# bitmap an app draws as it is. (No variant name is a prefix of another: object stores and
# ram:// list folders by prefix.)
UINT8_OUT = 'uint8'

# In export order: the order the exporter converts, measures and logs them.
TFLITE_VARIANTS = (FP32, FP16, DYNAMIC_INT8, INT8, UINT8_OUT)
# Calibrated on the representative dataset, with int8 kernels throughout.
FULL_INTEGER_VARIANTS = (INT8, UINT8_OUT)
# The reference of the TFLite gates (TFMA cannot compare a TFLite model with a SavedModel);
# it is itself held to the SavedModel by the exporter's parity check, not gated.
REFERENCE_VARIANT = FP32
GATED_VARIANTS = tuple(v for v in TFLITE_VARIANTS if v != REFERENCE_VARIANT)


def check(variant: str, what: str = 'TFLite variant') -> str:
  """`variant` if it is one of TFLITE_VARIANTS, else a ValueError naming it and `what`."""
  if variant not in TFLITE_VARIANTS:
    raise ValueError(f'{what} {variant!r} is unknown; known: {", ".join(TFLITE_VARIANTS)}')
  return variant
