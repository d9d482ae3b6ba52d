"""Runs an exported TFLite generator with LiteRT only: this module never imports TensorFlow.

It is what a phone-side client (or a `generate` CLI) needs: load the `.tflite` file, call
the `serving_default` signature by input name (`noise`, `label`), and get float images in
[0, 1] back whether the model has float or int8 I/O. It also inspects the converted graph
(which ops still compute in float) so the exporter can check what the converter really did.
"""
import time
from typing import Dict, List, Optional

from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter, OpResolverType
import numpy as np

from components.tflite_export.defaults import DEFAULT_LATENCY_RUNS
from formats.generator_spec import IMAGES_OUTPUT, LABEL_INPUT, NOISE_INPUT, SERVING_SIGNATURE
_FLOATS = (np.float32, np.float16)
_QUANT_OPS = ('QUANTIZE', 'DEQUANTIZE')


def quantize(values: np.ndarray, scale: float, zero_point: int, dtype) -> np.ndarray:
  """Float -> int8/uint8 the way TFLite does it (round to nearest, saturate)."""
  info = np.iinfo(dtype)
  q = np.round(np.asarray(values, np.float64) / scale) + zero_point
  return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
  return ((values.astype(np.float32) - zero_point) * scale).astype(np.float32)


class LiteRTGenerator:
  """A generator `.tflite` file behind one of its signatures (`serving_default` unless told)."""

  def __init__(self, model_path: Optional[str] = None, model_content: Optional[bytes] = None,
               num_threads: int = 1, default_delegates: bool = True,
               signature: str = SERVING_SIGNATURE):
    # default_delegates=False: LiteRT's reference kernels without XNNPACK, immune to the
    # repeated-invocation defect described in generate_batched (slower).
    options = {} if default_delegates else {
        'experimental_op_resolver_type': OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}
    self.interpreter = Interpreter(model_path=model_path, model_content=model_content,
                                   num_threads=num_threads, **options)
    self.signatures = sorted(self.interpreter.get_signature_list())
    if signature not in self.signatures:
      raise ValueError(f'{model_path or "model"} has no {signature!r} signature '
                       f'(signatures: {self.signatures})')
    self.signature = signature
    self.runner = self.interpreter.get_signature_runner(signature)
    self.inputs = self.runner.get_input_details()
    self.outputs = self.runner.get_output_details()

  @property
  def fixed_batch(self) -> Optional[int]:
    """The batch every call must have (a fixed-shape signature), or None (any batch)."""
    d = self.inputs[NOISE_INPUT]
    batch = int(d['shape_signature'][0] if 'shape_signature' in d else -1)
    return batch if batch > 0 else None

  @property
  def input_names(self) -> List[str]:
    return sorted(self.inputs)

  def io_details(self) -> Dict[str, dict]:
    """name -> {dtype, shape (batch = -1), scale, zero_point}, inputs and outputs."""
    details = {}
    for name, d in list(self.inputs.items()) + list(self.outputs.items()):
      scale, zero_point = d['quantization']
      shape = [int(s) for s in d['shape_signature']] if 'shape_signature' in d else \
          [-1] + [int(s) for s in d['shape'][1:]]
      details[name] = {'dtype': np.dtype(d['dtype']).name, 'shape': shape,
                       'scale': float(scale), 'zero_point': int(zero_point)}
    return details

  def _feed(self, name: str, values: np.ndarray) -> np.ndarray:
    d = self.inputs[name]
    dtype, (scale, zero_point) = d['dtype'], d['quantization']
    if np.issubdtype(dtype, np.integer) and scale:  # int8 I/O: quantize float noise
      return quantize(values, scale, zero_point, dtype)
    return np.asarray(values).astype(dtype)

  def generate(self, noise: np.ndarray, label: Optional[np.ndarray] = None) -> np.ndarray:
    """float32 [N, 28, 28, 1] in [0, 1] from noise [N, noise_dim] (and labels [N])."""
    feed = {NOISE_INPUT: self._feed(NOISE_INPUT, noise)}
    if LABEL_INPUT in self.inputs:
      if label is None:
        raise ValueError('This generator is conditional: pass `label` (digits 0-9).')
      feed[LABEL_INPUT] = self._feed(LABEL_INPUT, label)
    out = self.runner(**feed)[IMAGES_OUTPUT]
    scale, zero_point = self.outputs[IMAGES_OUTPUT]['quantization']
    if np.issubdtype(out.dtype, np.integer) and scale:
      return dequantize(out, scale, zero_point)
    return out.astype(np.float32)

  def generate_batched(self, noise, label=None, batch_size=1) -> np.ndarray:
    """Many images, `batch_size` per invocation. Batch 1 by default, as phones run it, and
    because with XNNPACK (LiteRT's default CPU delegate, ai-edge-litert 2.3.0) repeated
    invocations at a resized batch of 100 intermittently returned a wrong second batch
    (PSNR 14 dB against the SavedModel in 2 of 6 processes of one probe, 1 of 12 in
    bench/litert_batch_flake.py; never at batch 1, never without the delegate). A
    fixed-shape signature runs at its own batch, the last call padded with copies of its
    first input and the padding dropped."""
    batch_size = self.fixed_batch or batch_size
    parts = []
    for i in range(0, len(noise), batch_size):
      chunk = slice(i, i + batch_size)
      parts.append(self._generate_padded(noise[chunk], None if label is None else label[chunk],
                                         batch_size if self.fixed_batch else None))
    return np.concatenate(parts)

  def _generate_padded(self, noise, label, batch: Optional[int]) -> np.ndarray:
    count = len(noise)
    if batch is None or count == batch:
      return self.generate(noise, label)
    pad = lambda values: np.concatenate([values, np.repeat(values[:1], batch - count, axis=0)])
    return self.generate(pad(noise), None if label is None else pad(label))[:count]

  def latency_ms(self, noise, label=None, runs=DEFAULT_LATENCY_RUNS, warmup=10) -> float:
    """Median wall time of one `generate` call on these inputs, in milliseconds (of the
    whole call: per image, divide by the batch)."""
    for _ in range(warmup):
      self.generate(noise, label)
    times = []
    for _ in range(runs):
      start = time.perf_counter()
      self.generate(noise, label)
      times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e3)

  def float_ops(self) -> List[str]:
    """Names of ops (other than the (de)quantize ops at the model's edges) with a float
    input or output: in a full-integer model these run in float, i.e. were not quantized."""
    tensors = {t['index']: t for t in self.interpreter.get_tensor_details()}
    found = []
    for op in self.interpreter._get_ops_details():  # pylint: disable=protected-access
      if op['op_name'] in _QUANT_OPS:
        continue
      indices = [i for i in list(op['inputs']) + list(op['outputs']) if i >= 0]
      if any(tensors[i]['dtype'] in _FLOATS for i in indices):
        found.append(op['op_name'])
    return sorted(set(found))


  def degenerate_activations(self, min_scale: float = 1e-6) -> List[str]:
    """Names of int8 activations (op outputs) quantized with a scale below `min_scale`.

    Calibration gives a (nearly) constant tensor a (nearly) zero scale; the rescaling
    factors of the ops around it then overflow and LiteRT aborts the whole process when
    it runs the model (measured with a generator drawing blank images: scale 7.8e-9).
    For images in [0, 1], a scale of 1e-6 means a range of 2.6e-4: a constant, in effect.
    """
    outputs = {i for op in self.interpreter._get_ops_details()  # pylint: disable=protected-access
               for i in op['outputs'] if i >= 0}
    found = []
    for t in self.interpreter.get_tensor_details():
      scales = t['quantization_parameters']['scales']
      if (t['index'] in outputs and t['dtype'] in (np.int8, np.uint8) and scales.size and
          float(np.min(scales)) < min_scale):
        found.append(t['name'])
    return found


def weight_bytes_by_dtype(model_bytes: bytes) -> Dict[str, int]:
  """Bytes of constant tensors (weights) per dtype, read from the flatbuffer: shows what
  the quantizer really did (e.g. FLOAT16 weights in fp16, INT8 in dynamic_int8)."""
  model = schema.Model.GetRootAs(model_bytes, 0)
  type_names = {v: k.lower() for k, v in vars(schema.TensorType).items() if not k.startswith('_')}
  sizes = {}
  for g in range(model.SubgraphsLength()):
    subgraph = model.Subgraphs(g)
    for i in range(subgraph.TensorsLength()):
      tensor = subgraph.Tensors(i)
      size = model.Buffers(tensor.Buffer()).DataLength()
      if size:
        name = type_names.get(tensor.Type(), str(tensor.Type()))
        sizes[name] = sizes.get(name, 0) + size
  return sizes
