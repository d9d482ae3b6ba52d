"""Gives the uint8-output variant gray levels an app can draw as they are: q = round(255 x).

Converted with full int8 kernels and `inference_output_type=uint8`, the model ends in a
QUANTIZE op (int8 -> uint8) whose output keeps the calibrated scale of the last activation,
e.g. 1/260.8 with zero point 0 (measured on a stand-in): q = 255 would then mean 0.978,
not full ink, and the scale differs per export. Pinning that output to scale 1/255, zero
point 0 makes QUANTIZE requantize to exactly the 0..255 gray levels of a grayscale bitmap
(0 = background, 255 = ink); the cost is the rounding to 1/255, at most half a step
(1/510) on top of the int8 model's own error (measured: 0.00195). No TensorFlow needed.
"""
import flatbuffers
from ai_edge_litert import schema_py_generated as schema

SCALE = 1.0 / 255.0
ZERO_POINT = 0
_QUANTIZE = schema.BuiltinOperator.QUANTIZE


def _opcode(model, op):
  code = model.operatorCodes[op.opcodeIndex]
  return max(code.builtinCode, code.deprecatedBuiltinCode)


def pin_output_scale(model_bytes: bytes, what: str = 'model') -> tuple:
  """Returns (model bytes, number of uint8 outputs pinned to scale 1/255, zero point 0).

  Every uint8 output of every subgraph (each signature has its own) must come from a
  QUANTIZE of an int8 tensor, which can requantize; anything else is an error naming it."""
  model = schema.ModelT.InitFromPackedBuf(model_bytes, 0)
  pinned = 0
  for index, subgraph in enumerate(model.subgraphs):
    producers = {out: op for op in subgraph.operators for out in op.outputs}
    for out in subgraph.outputs:
      tensor = subgraph.tensors[out]
      if tensor.type != schema.TensorType.UINT8:
        continue
      op = producers.get(out)
      source = subgraph.tensors[op.inputs[0]] if op is not None else None
      if op is None or _opcode(model, op) != _QUANTIZE or source.type != schema.TensorType.INT8:
        raise ValueError(f'{what}: uint8 output {tensor.name.decode()} of subgraph {index} '
                         'does not come from an int8 QUANTIZE op, so its scale cannot be '
                         'pinned to 1/255')
      tensor.quantization.scale, tensor.quantization.zeroPoint = [SCALE], [ZERO_POINT]
      pinned += 1
  if not pinned:
    raise ValueError(f'{what} has no uint8 output to pin (converted without '
                     'inference_output_type=uint8?)')
  builder = flatbuffers.Builder(len(model_bytes) + 1024)
  builder.Finish(model.Pack(builder), file_identifier=b'TFL3')
  return bytes(builder.Output()), pinned
