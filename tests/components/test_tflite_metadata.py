"""TFLite Model Metadata (components/tflite_export/metadata.py) on converted stand-ins.

Every field is read back; the metadata follows the subgraph's input order; LiteRT's
outputs are identical bit for bit with and without it; nothing but the metadata entry and
its buffer changes in the flatbuffer (compared with LiteRT's own, newer schema, since
tflite-support repacks the model with its 2023 one); a version rewrite changes only the
version. The publisher's stamp (components/versioned_pusher/release_metadata.py) writes
the release version into every file of a release folder and refuses any change of output.
"""
import json
import os

import numpy as np
import pytest

from ai_edge_litert import schema_py_generated as litert_schema
from components.tflite_export import convert, fixups, generator_inputs, litert_runner, metadata
from components.versioned_pusher import release_metadata
from formats import generator_spec, release, variants
from tests.components import tflite_standins

VARIANTS = variants.TFLITE_VARIANTS
FIELDS = dict(name='MNIST GAN generator (test)', description='Draws digits.', version='export-7',
              author='the test', license_text='test license')


def _convert(saved_model_dir, spec, variants):
  calibration = generator_inputs.as_feed(*generator_inputs.inputs(spec, 50, 1))
  models = {}
  for variant in variants:
    model = convert.make_converter(saved_model_dir, variant, calibration, False).convert()
    if variant == 'int8':
      model, _ = fixups.fix_one_hot_quantization(model)
    models[variant] = bytes(model)
  return models


@pytest.fixture(scope='module')
def conditional(tmp_path_factory):
  """The conditional stand-in (like `default`) in all four variants, bare and with metadata."""
  saved_model = tflite_standins.export('conditional', str(tmp_path_factory.mktemp('cond')))
  spec = generator_inputs.read_spec(saved_model)
  bare = _convert(saved_model, spec, VARIANTS)
  return {'spec': spec, 'bare': bare,
          'with': {v: metadata.populate(m, spec, what=v, **FIELDS) for v, m in bare.items()}}


@pytest.fixture(scope='module')
def unconditional(tmp_path_factory):
  saved_model = tflite_standins.export('mlp', str(tmp_path_factory.mktemp('mlp')))
  spec = generator_inputs.read_spec(saved_model)
  bare = _convert(saved_model, spec, ('fp32',))['fp32']
  return {'spec': spec, 'bare': bare, 'with': metadata.populate(bare, spec, **FIELDS)}


def _tensors(read_back):
  subgraph, = read_back['metadata']['subgraph_metadata']
  return ({t['name']: t for t in subgraph['input_tensor_metadata']},
          subgraph['output_tensor_metadata'])


def test_every_field_reads_back(conditional):
  spec = conditional['spec']
  for variant, model in conditional['with'].items():
    read_back = metadata.read(model, variant)
    meta = read_back['metadata']
    assert (meta['name'], meta['description'], meta['version'], meta['author'],
            meta['license']) == (FIELDS['name'], FIELDS['description'], FIELDS['version'],
                                 FIELDS['author'], FIELDS['license_text']), variant
    assert meta['subgraph_metadata'][0]['name'] == generator_spec.SERVING_SIGNATURE
    inputs, outputs = _tensors(read_back)
    noise = inputs[generator_spec.NOISE_INPUT]
    assert noise['dimension_names'] == ['batch', 'latent']
    assert f'float32 [N, {spec["noise_dim"]}]' in noise['description']
    assert 'normal(mean=0.0, stddev=1.0)' in noise['description']
    assert 'stats' not in noise  # an unbounded distribution has no min/max
    label = inputs[generator_spec.LABEL_INPUT]
    assert 'int32 [N]: class index 0..9' in label['description']
    assert label['stats'] == {'min': [0.0], 'max': [9.0]}
    labels_file, = label['associated_files']
    assert (labels_file['name'], labels_file['type']) == (metadata.LABELS_FILE,
                                                          'TENSOR_VALUE_LABELS')
    assert read_back['files'] == {metadata.LABELS_FILE: b'0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n'}
    images, = outputs
    assert images['name'] == generator_spec.IMAGES_OUTPUT
    assert images['content']['content_properties_type'] == 'ImageProperties'
    assert images['content']['content_properties'] == {
        'color_space': 'GRAYSCALE', 'default_size': {'width': 28, 'height': 28}}
    assert images['stats'] == {'min': [0.0], 'max': [1.0]}
    unit, = images['process_units']
    assert unit['options_type'] == 'NormalizationOptions'
    assert unit['options']['mean'] == [0.0]
    assert unit['options']['std'] == pytest.approx([1 / 255], rel=1e-3)  # JSON shows 4 digits
    assert meta['min_parser_version'] == '1.0.0'  # readable by every metadata parser


def test_input_metadata_follows_the_subgraph_input_order(conditional):
  """Metadata is positional: entry i describes subgraph input i (signature order differs:
  the converter sorts signature inputs by name, label before noise)."""
  for variant, model in conditional['with'].items():
    parsed = litert_schema.Model.GetRootAs(model, 0)
    subgraph, signature = parsed.Subgraphs(0), parsed.SignatureDefs(0)
    by_tensor = {signature.Inputs(j).TensorIndex(): signature.Inputs(j).Name().decode()
                 for j in range(signature.InputsLength())}
    order = [by_tensor[subgraph.Inputs(j)] for j in range(subgraph.InputsLength())]
    described = [t['name'] for t in
                 metadata.read(model)['metadata']['subgraph_metadata'][0]['input_tensor_metadata']]
    assert described == order, variant


def test_unconditional_generator_has_no_label_and_uniform_noise_range(unconditional):
  read_back = metadata.read(unconditional['with'])
  inputs, _ = _tensors(read_back)
  assert list(inputs) == [generator_spec.NOISE_INPUT]
  assert inputs[generator_spec.NOISE_INPUT]['stats'] == {'min': [-1.0], 'max': [1.0]}
  assert 'uniform(low=-1.0, high=1.0)' in inputs[generator_spec.NOISE_INPUT]['description']
  assert read_back['files'] == {}


def _outputs(model, spec):
  noise, label = generator_inputs.inputs(spec, 24, seed=5)
  return litert_runner.LiteRTGenerator(model_content=model).generate_batched(noise, label)


def test_litert_outputs_identical_bit_for_bit(conditional, unconditional):
  for variant in VARIANTS:
    bare = _outputs(conditional['bare'][variant], conditional['spec'])
    assert np.array_equal(bare, _outputs(conditional['with'][variant], conditional['spec'])), \
        variant
  assert np.array_equal(_outputs(unconditional['bare'], unconditional['spec']),
                        _outputs(unconditional['with'], unconditional['spec']))


def _plain(value):
  """A LiteRT-schema object tree as plain comparable values."""
  if isinstance(value, np.ndarray):
    return value.tolist()
  if isinstance(value, (list, tuple)):
    return [_plain(v) for v in value]
  if hasattr(value, '__dict__'):
    return {k: _plain(v) for k, v in vars(value).items()}
  return value


def _without_metadata(model_bytes):
  """The model as LiteRT's schema reads it, minus the TFLITE_METADATA entry and buffer."""
  model = litert_schema.ModelT.InitFromObj(litert_schema.Model.GetRootAs(model_bytes, 0))
  entries = [m for m in model.metadata if m.name.decode() == 'TFLITE_METADATA']
  for entry in entries:
    assert entry.buffer == len(model.buffers) - 1  # appended last, so no index shifts
    model.buffers.pop(entry.buffer)
    model.metadata.remove(entry)
  return _plain(model)


def test_nothing_but_the_metadata_changes(conditional):
  for variant in VARIANTS:
    assert (_without_metadata(conditional['with'][variant]) ==
            _without_metadata(conditional['bare'][variant])), variant


def test_set_version_changes_only_the_version(conditional):
  model = conditional['with']['int8']
  rewritten = metadata.set_version(model, '1764590000', 'int8')
  assert metadata.version_of(rewritten) == '1764590000'
  assert metadata.version_of(model) == FIELDS['version']
  before, after = metadata.read(model), metadata.read(rewritten)
  before['metadata']['version'] = '1764590000'
  assert after == before  # every other field and labels.txt unchanged
  assert np.array_equal(_outputs(model, conditional['spec']),
                        _outputs(rewritten, conditional['spec']))
  assert _without_metadata(rewritten) == _without_metadata(model)


def test_bad_input_is_named(conditional, unconditional):
  with pytest.raises(ValueError, match='int8.tflite is not a TFLite model'):
    metadata.populate(b'not a model', conditional['spec'], what='int8.tflite', **FIELDS)
  # The conditional spec against the unconditional model: its inputs do not match.
  with pytest.raises(ValueError, match=r"mlp.tflite: signature 'serving_default' has inputs "
                                       r"\['noise'\], but the generator spec says"):
    metadata.populate(unconditional['bare'], conditional['spec'], what='mlp.tflite', **FIELDS)
  with pytest.raises(ValueError, match='bare.tflite has no TFLite metadata'):
    metadata.set_version(conditional['bare']['fp32'], '1', 'bare.tflite')
  assert metadata.version_of(conditional['bare']['fp32']) is None
  with pytest.raises(ValueError, match='fake.tflite is not a TFLite model'):
    metadata.version_of(b'int8', 'fake.tflite')  # no struct.error from inside flatbuffers


def _release_folder(root, spec, models):
  """A release folder as the pusher assembles it (the spec is all stamp reads beside)."""
  folder = str(root)
  os.makedirs(release.saved_model_dir(folder))
  with open(os.path.join(release.saved_model_dir(folder), generator_spec.SPEC_FILE), 'w') as f:
    json.dump(spec, f)
  for variant, model in models.items():
    os.makedirs(release.tflite_dir(folder, variant))
    with open(release.tflite_file(folder, variant), 'wb') as f:
      f.write(model)
  return folder


def _read(path):
  with open(path, 'rb') as f:
    return f.read()


def test_stamp_writes_the_release_version_into_every_file(conditional, tmp_path):
  folder = _release_folder(tmp_path, conditional['spec'], conditional['with'])
  before = release_metadata.stamp(folder, '1764590000')
  assert before == {v: FIELDS['version'] for v in VARIANTS}
  for variant in VARIANTS:
    stamped = _read(release.tflite_file(folder, variant))
    assert metadata.version_of(stamped) == '1764590000', variant
    assert np.array_equal(_outputs(stamped, conditional['spec']),
                          _outputs(conditional['with'][variant], conditional['spec'])), variant


def test_stamp_refuses_a_file_whose_outputs_changed(conditional, tmp_path, monkeypatch):
  folder = _release_folder(tmp_path, conditional['spec'], conditional['with'])
  other = metadata.set_version(conditional['with']['fp16'], '1764590000')
  real_set_version = metadata.set_version
  monkeypatch.setattr(metadata, 'set_version', lambda model, version, what='model': (
      other if what.endswith(os.path.join('int8', release.TFLITE_FILE)) and 'dynamic' not in what
      else real_set_version(model, version, what)))
  with pytest.raises(release_metadata.StampError,
                     match=r'tflite/int8/model.tflite: writing release version 1764590000'):
    release_metadata.stamp(folder, '1764590000')


def test_stamp_names_a_file_without_metadata(conditional, tmp_path):
  folder = _release_folder(tmp_path, conditional['spec'], conditional['bare'])
  with pytest.raises(ValueError, match=r'tflite/fp32/model.tflite has no TFLite metadata'):
    release_metadata.stamp(folder, '1764590000')
