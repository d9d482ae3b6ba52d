"""TFLite Model Metadata inside a generator's .tflite file: written, rewritten and read.

The metadata is what Android Studio's ML Model Binding and the LiteRT code generator read
to build a typed wrapper: model name, description, version, author, license, and for each
tensor of the main subgraph what it holds. tflite-support's MetadataPopulator packs it
(and the `labels.txt` of a conditional generator, as a zip appended to the flatbuffer);
MetadataDisplayer reads it back. Only the metadata buffer is added: the graph, weights and
quantization are untouched, so LiteRT's outputs are the same bit for bit (tested).

Two facts about tflite-support 0.4.4 shape this module (docs/export.md):
- `import tflite_support` crashes on a pybind type clash with TF, so its two metadata
  modules are imported directly;
- their native part needs the system library libusb-1.0 (Debian: libusb-1.0-0); without
  it the import fails with an error saying so.

Metadata describes one subgraph (the populator refuses more): subgraph 0, whatever
signature it serves, with every input in that subgraph's tensor order.
"""
import json
from typing import Any, Dict, Optional

from ai_edge_litert import schema_py_generated as litert_schema
import flatbuffers

from formats import generator_spec

LABELS_FILE = 'labels.txt'
DEFAULT_AUTHOR = 'mnist-gan-tfx pipeline'
# Whoever ships the model states author and license: TFLiteExport's `metadata_author` and
# `metadata_license`, set by the MODEL_AUTHOR and MODEL_LICENSE run knobs. Without them the
# license field claims none: no license is granted unless the publisher says so.
DEFAULT_LICENSE = 'No license granted; ask the publisher of this release.'
# Output pixels: (x - mean) / std with these gives 0..255 (the schema's normalization
# formula), the same for float and quantized output (quantized models share the float
# model's normalization, metadata_schema.fbs).
IMAGE_NORMALIZATION = {'mean': [0.0], 'std': [1.0 / 255.0]}


def _tflite_support():
  """(metadata, metadata_schema_py_generated) of tflite-support, or an error saying why."""
  try:
    # pylint: disable=g-import-not-at-top
    from tensorflow_lite_support.metadata import metadata_schema_py_generated as schema
    from tensorflow_lite_support.metadata.python import metadata
  except ImportError as e:
    hint = (' Its native module needs the system library libusb-1.0 '
            '(Debian/Ubuntu: apt-get install libusb-1.0-0).' if 'libusb' in str(e) else '')
    raise ImportError(f'TFLite metadata needs tflite-support 0.4.4 (constraints.txt): {e}.'
                      f'{hint}') from e
  return metadata, schema


def _check_tflite(model_bytes: bytes, what: str) -> None:
  if len(model_bytes) < 8 or not litert_schema.Model.ModelBufferHasIdentifier(model_bytes, 0):
    raise ValueError(f'{what} is not a TFLite model (no TFL3 file identifier)')


def _subgraph0_inputs(model_bytes: bytes, what: str) -> Dict[str, Any]:
  """{'signature': key, 'inputs': [names], 'outputs': [names]} of subgraph 0, names in the
  subgraph's tensor order (the order metadata must follow), from the signature def."""
  _check_tflite(model_bytes, what)
  model = litert_schema.Model.GetRootAs(model_bytes, 0)
  subgraph = model.Subgraphs(0)
  for i in range(model.SignatureDefsLength()):
    sig = model.SignatureDefs(i)
    if sig.SubgraphIndex() != 0:
      continue
    by_tensor = {}
    for j in range(sig.InputsLength()):
      by_tensor[sig.Inputs(j).TensorIndex()] = sig.Inputs(j).Name().decode()
    for j in range(sig.OutputsLength()):
      by_tensor[sig.Outputs(j).TensorIndex()] = sig.Outputs(j).Name().decode()
    return {'signature': sig.SignatureKey().decode(),
            'inputs': [by_tensor[subgraph.Inputs(j)] for j in range(subgraph.InputsLength())],
            'outputs': [by_tensor[subgraph.Outputs(j)] for j in range(subgraph.OutputsLength())]}
  raise ValueError(f'{what} has no signature on subgraph 0: metadata names tensors by '
                   'their signature names')


def _tensor_type(model_bytes: bytes, name: str) -> str:
  """'<dtype> [dims]' (N = any size) of subgraph 0's signature input `name`."""
  model = litert_schema.Model.GetRootAs(model_bytes, 0)
  subgraph = model.Subgraphs(0)
  type_names = {v: k.lower() for k, v in vars(litert_schema.TensorType).items()
                if not k.startswith('_')}
  for i in range(model.SignatureDefsLength()):
    sig = model.SignatureDefs(i)
    if sig.SubgraphIndex() == 0:
      for j in range(sig.InputsLength()):
        if sig.Inputs(j).Name().decode() == name:
          tensor = subgraph.Tensors(sig.Inputs(j).TensorIndex())
          shape = (tensor.ShapeSignatureAsNumpy() if tensor.ShapeSignatureLength()
                   else tensor.ShapeAsNumpy())
          dims = ', '.join('N' if s < 0 else str(int(s)) for s in shape)
          return f'{type_names.get(tensor.Type(), tensor.Type())} [{dims}]'
  raise ValueError(f'no input {name!r} on subgraph 0')


def _distribution_text(noise: Dict[str, Any]) -> str:
  params = ', '.join(f'{k}={v}' for k, v in noise.items() if k != 'distribution')
  return f'{noise["distribution"]}({params})'


def _noise_metadata(schema, spec: Dict[str, Any], tensor_type: str):
  tensor = schema.TensorMetadataT()
  tensor.name = generator_spec.NOISE_INPUT
  tensor.description = (
      f'Latent noise, {tensor_type}: draw each of the {spec["noise_dim"]} '
      f'values of an image i.i.d. from {_distribution_text(spec["noise"])}, the training '
      'distribution. The same inputs always give the same image.')
  tensor.dimensionNames = ['batch', 'latent']
  tensor.content = schema.ContentT()
  tensor.content.contentPropertiesType = schema.ContentProperties.FeatureProperties
  tensor.content.contentProperties = schema.FeaturePropertiesT()
  if spec['noise']['distribution'] == 'uniform':  # bounded: its range is the tensor's range
    tensor.stats = schema.StatsT()
    tensor.stats.min = [float(spec['noise']['low'])]
    tensor.stats.max = [float(spec['noise']['high'])]
  return tensor


def _label_metadata(schema, spec: Dict[str, Any], tensor_type: str):
  last = spec['num_classes'] - 1
  tensor = schema.TensorMetadataT()
  tensor.name = generator_spec.LABEL_INPUT
  tensor.description = (f'Digit to draw, {tensor_type}: class index 0..{last}; '
                        f'{LABELS_FILE} names each index.')
  tensor.dimensionNames = ['batch']
  tensor.content = schema.ContentT()
  tensor.content.contentPropertiesType = schema.ContentProperties.FeatureProperties
  tensor.content.contentProperties = schema.FeaturePropertiesT()
  tensor.stats = schema.StatsT()
  tensor.stats.min, tensor.stats.max = [0.0], [float(last)]
  labels = schema.AssociatedFileT()
  labels.name = LABELS_FILE
  labels.description = 'The digit each label index draws, one per line, index 0 first.'
  labels.type = schema.AssociatedFileType.TENSOR_VALUE_LABELS
  tensor.associatedFiles = [labels]
  return tensor


def _images_metadata(schema, spec: Dict[str, Any]):
  rows, cols, _ = spec['image_shape']
  low, high = spec['output_range']
  tensor = schema.TensorMetadataT()
  tensor.name = generator_spec.IMAGES_OUTPUT
  tensor.description = (
      f'Generated digits, [N, {rows}, {cols}, 1] grayscale, values in [{low}, {high}]: '
      f'{low} = background, {high} = ink (MNIST convention). Pixel 0..255 = (x - mean) / std '
      'with the normalization below, i.e. 255 * x (after dequantizing a quantized output '
      'with its scale and zero point).')
  tensor.content = schema.ContentT()
  tensor.content.contentPropertiesType = schema.ContentProperties.ImageProperties
  tensor.content.contentProperties = schema.ImagePropertiesT()
  tensor.content.contentProperties.colorSpace = schema.ColorSpaceType.GRAYSCALE
  tensor.content.contentProperties.defaultSize = schema.ImageSizeT()
  tensor.content.contentProperties.defaultSize.width = cols
  tensor.content.contentProperties.defaultSize.height = rows
  normalization = schema.ProcessUnitT()
  normalization.optionsType = schema.ProcessUnitOptions.NormalizationOptions
  normalization.options = schema.NormalizationOptionsT()
  normalization.options.mean = list(IMAGE_NORMALIZATION['mean'])
  normalization.options.std = list(IMAGE_NORMALIZATION['std'])
  tensor.processUnits = [normalization]
  tensor.stats = schema.StatsT()
  tensor.stats.min, tensor.stats.max = [float(low)], [float(high)]
  return tensor


def _check_io(layout: Dict[str, Any], spec: Dict[str, Any], what: str) -> None:
  """The model's subgraph-0 tensors must be the spec's serving signature's, by name."""
  expected = spec['signatures'][generator_spec.SERVING_SIGNATURE]
  for kind in ('inputs', 'outputs'):
    if sorted(layout[kind]) != sorted(expected[kind]):
      raise ValueError(f'{what}: signature {layout["signature"]!r} has {kind} '
                       f'{layout[kind]}, but the generator spec says {expected[kind]}')


def model_text(spec: Dict[str, Any], variant: str) -> Dict[str, str]:
  """The model-level name and description of one variant of a generator."""
  inputs = 'latent noise and the digit to draw' if spec['conditional'] else 'latent noise'
  return {
      'name': f'MNIST digit generator ({spec.get("preset")}, {variant})',
      'description': (
          f'The generator of a GAN trained on MNIST: draws 28x28 grayscale handwritten '
          f'digits from {inputs}. TFLite variant {variant}; call the '
          f'{generator_spec.SERVING_SIGNATURE!r} signature. card.json beside the file has '
          'the parity and latency measured at export.')}


def build(model_bytes: bytes, spec: Dict[str, Any], *, name: str, description: str,
          version: str, author: str, license_text: str, what: str = 'model'):
  """The ModelMetadataT object for this model and generator spec (not yet packed)."""
  _, schema = _tflite_support()
  layout = _subgraph0_inputs(model_bytes, what)
  _check_io(layout, spec, what)
  per_input = {
      generator_spec.NOISE_INPUT: lambda: _noise_metadata(
          schema, spec, _tensor_type(model_bytes, generator_spec.NOISE_INPUT)),
      generator_spec.LABEL_INPUT: lambda: _label_metadata(
          schema, spec, _tensor_type(model_bytes, generator_spec.LABEL_INPUT)),
  }
  subgraph = schema.SubGraphMetadataT()
  subgraph.name = layout['signature']
  subgraph.inputTensorMetadata = [per_input[n]() for n in layout['inputs']]
  subgraph.outputTensorMetadata = [_images_metadata(schema, spec)]
  model = schema.ModelMetadataT()
  model.name, model.description, model.version = name, description, version
  model.author, model.license = author, license_text
  model.subgraphMetadata = [subgraph]
  return model


def _pack(md, metadata_object) -> bytes:
  builder = flatbuffers.Builder(0)
  builder.Finish(metadata_object.Pack(builder), md.MetadataPopulator.METADATA_FILE_IDENTIFIER)
  return bytes(builder.Output())


def labels_file(spec: Dict[str, Any]) -> bytes:
  """labels.txt: the digit of each label index, one per line."""
  return ''.join(f'{i}\n' for i in range(spec['num_classes'])).encode()


def populate(model_bytes: bytes, spec: Dict[str, Any], *, name: str, description: str,
             version: str, author: str, license_text: str, what: str = 'model') -> bytes:
  """`model_bytes` with metadata (and labels.txt for a conditional generator) packed in.

  `what` names the model in errors (a path or a variant)."""
  md, schema = _tflite_support()
  metadata = build(model_bytes, spec, name=name, description=description, version=version,
                   author=author, license_text=license_text, what=what)
  populator = md.MetadataPopulator.with_model_buffer(bytearray(model_bytes))
  populator.load_metadata_buffer(_pack(md, metadata))
  if spec['conditional']:
    populator.load_associated_file_buffers({LABELS_FILE: labels_file(spec)})
  populator.populate()
  return bytes(populator.get_model_buffer())


def set_version(model_bytes: bytes, version: str, what: str = 'model') -> bytes:
  """The same model with only the metadata's `version` replaced (a pushed release's).

  The packed files (labels.txt) stay as they are; the populator replaces the metadata
  buffer in place, so graph and weights are untouched."""
  md, schema = _tflite_support()
  _check_tflite(model_bytes, what)
  buffer = md.get_metadata_buffer(bytearray(model_bytes))
  if not buffer:
    raise ValueError(f'{what} has no TFLite metadata whose version could be set')
  metadata = schema.ModelMetadataT.InitFromObj(
      schema.ModelMetadata.GetRootAsModelMetadata(buffer, 0))
  metadata.version = version
  populator = md.MetadataPopulator.with_model_buffer(bytearray(model_bytes))
  populator.load_metadata_buffer(_pack(md, metadata))
  populator.populate()
  return bytes(populator.get_model_buffer())


def read(model_bytes: bytes, what: str = 'model') -> Dict[str, Any]:
  """{'metadata': the metadata as JSON (schema field names), 'files': {name: bytes}}."""
  md, _ = _tflite_support()
  _check_tflite(model_bytes, what)
  try:
    displayer = md.MetadataDisplayer.with_model_buffer(bytearray(model_bytes))
  except ValueError as e:
    raise ValueError(f'{what}: {e}') from e
  return {'metadata': json.loads(displayer.get_metadata_json()),
          'files': {f: bytes(displayer.get_associated_file_buffer(f))
                    for f in displayer.get_packed_associated_file_list()}}


def version_of(model_bytes: bytes, what: str = 'model') -> Optional[str]:
  """The metadata's version field, or None when the model carries no metadata."""
  md, schema = _tflite_support()
  _check_tflite(model_bytes, what)
  buffer = md.get_metadata_buffer(bytearray(model_bytes))
  if not buffer:
    return None
  version = schema.ModelMetadata.GetRootAsModelMetadata(buffer, 0).Version()
  return version.decode() if version is not None else None


def write_into_file(path: str, spec: Dict[str, Any], variant: str, version: str,
                    author: str = DEFAULT_AUTHOR, license_text: str = DEFAULT_LICENSE) -> int:
  """Populates the local model file at `path` in place (the exporter's call); returns the
  bytes the metadata added."""
  with open(path, 'rb') as f:
    bare = f.read()
  populated = populate(bare, spec, version=version, author=author, license_text=license_text,
                       what=f'TFLite variant {variant!r} ({path})', **model_text(spec, variant))
  with open(path, 'wb') as f:
    f.write(populated)
  return len(populated) - len(bare)
