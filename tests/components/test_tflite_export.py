"""TFLiteExport: four variants with measured parity, LiteRT-only runtime, nothing half-made."""
import json
import os

from ml_metadata import metadata_store
from ai_edge_litert import schema_py_generated as schema
import numpy as np
import pytest
import tensorflow as tf
from tfx import types
from tfx import v1 as tfx
from tfx.utils import path_utils

from components.tflite_export import checks, component, convert, generator_inputs, metadata
from components.tflite_export import parity
from formats import generator_spec, variants
from tests.components import tflite_helpers as helpers

VARIANTS = variants.TFLITE_VARIANTS


@pytest.fixture(scope='module', params=[('default', False), ('mlp', True)],
                ids=['default-float_io', 'mlp-int8_io'])
def exported(request, tmp_path_factory):
  """A real preset (models/' own build + export code), converted by the executor's Do."""
  preset, int8_io = request.param
  root = tmp_path_factory.mktemp(preset)
  model_uri = helpers.export_real_preset(preset, str(root / 'model'))
  outputs = helpers.run_do(model_uri, root, int8_io=int8_io)
  return {'preset': preset, 'int8_io': int8_io, 'root': root, 'model_uri': model_uri,
          'outputs': outputs}


def _card(artifact):
  with open(os.path.join(path_utils.serving_model_dir(artifact.uri), 'card.json')) as f:
    return json.load(f)


def test_all_variants_published_with_cards_and_properties(exported):
  spec = generator_inputs.read_spec(os.path.join(exported['model_uri'], 'Format-Serving'))
  sizes = {}
  for variant in VARIANTS:
    artifact = exported['outputs'][variant]
    folder = path_utils.serving_model_dir(artifact.uri)
    assert sorted(os.listdir(folder)) == ['card.json', 'tflite']
    card = _card(artifact)
    sizes[variant] = os.path.getsize(os.path.join(folder, 'tflite'))
    with open(os.path.join(folder, 'tflite'), 'rb') as f:  # no author or license given
      meta = metadata.read(f.read())['metadata']
    assert (meta['author'], meta['license']) == (metadata.DEFAULT_AUTHOR,
                                                 metadata.DEFAULT_LICENSE)
    assert card['variant'] == variant and card['size_bytes'] == sizes[variant]
    names = [i['name'] for i in card['inputs']]
    assert names == (['noise', 'label'] if spec['conditional'] else ['noise'])
    assert card['inputs'][0]['distribution'] == spec['noise']
    assert card['inputs'][0]['shape'] == [-1, spec['noise_dim']]
    assert card['outputs'][0]['range'] == [0.0, 1.0]
    assert card['parity']['samples'] == 1000
    assert card['parity']['psnr_db'] >= component.DEFAULT_MIN_PSNR_DB[variant]
    assert card['latency']['ms_per_image_batch1_threads1'] > 0
    # The fixed-batch web signature: same tensors at batch WEB_BATCH, parity of its own.
    assert card['web_signature'] == generator_spec.WEB_SIGNATURE
    web = card['signatures'][generator_spec.WEB_SIGNATURE]
    assert web['batch'] == generator_spec.WEB_BATCH
    assert card['signatures'][generator_spec.SERVING_SIGNATURE]['batch'] is None
    assert [(e['name'], e['dtype'], e['shape']) for e in web['inputs']] == [
        (e['name'], e['dtype'], [generator_spec.WEB_BATCH] + e['shape'][1:])
        for e in card['inputs']]
    for figures in card['parity']['signatures'].values():
      assert figures['psnr_db'] >= component.DEFAULT_MIN_PSNR_DB[variant], (variant, figures)
    assert sorted(card['parity']['signatures']) == sorted(generator_spec.TFLITE_SIGNATURES)
    assert artifact.get_string_custom_property('tflite_variant') == variant
    assert artifact.get_int_custom_property('size_bytes') == sizes[variant]
    assert artifact.get_float_custom_property('parity_psnr_db') == card['parity']['psnr_db']
  int8_card = _card(exported['outputs']['int8'])
  io_dtype = 'int8' if exported['int8_io'] else 'float32'
  assert int8_card['inputs'][0]['dtype'] == int8_card['outputs'][0]['dtype'] == io_dtype
  assert ('quantization' in int8_card['outputs'][0]) == exported['int8_io']
  if spec['conditional']:
    assert int8_card['inputs'][1]['dtype'] == generator_spec.LABEL_DTYPE == 'int32'
  assert set(_card(exported['outputs']['fp16'])['quantization']['weight_bytes_by_dtype']) >= {
      'float16'}
  assert sizes['int8'] * 3.5 < sizes['fp32']  # the shipping goal, on real architectures
  assert not [p for p in os.listdir(os.path.dirname(os.path.dirname(
      exported['outputs']['fp32'].uri))) if p.startswith('.tflite_staging')]


def test_int8_one_hot_constants_share_the_output_quantization(exported):
  """The converter quantizes ONE_HOT's on/off values with their own scale, which the kernel
  ignores (label maps read ~3.9 instead of 1); fixups.py requantizes them. Conditional only."""
  path = os.path.join(path_utils.serving_model_dir(exported['outputs']['int8'].uri), 'tflite')
  with open(path, 'rb') as f:
    model = schema.ModelT.InitFromPackedBuf(f.read(), 0)
  one_hots = [(g, op) for g in model.subgraphs for op in g.operators
              if model.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.ONE_HOT]
  # One per signature (serving_default, serving_web) in a generator with a ONE_HOT.
  assert len(one_hots) == (len(model.subgraphs) if exported['preset'] == 'default' else 0)
  for subgraph, op in one_hots:
    out = subgraph.tensors[op.outputs[0]].quantization
    for i in op.inputs[2:4]:
      q = subgraph.tensors[i].quantization
      assert (list(q.scale), list(q.zeroPoint)) == (list(out.scale), list(out.zeroPoint))
  repairs = _card(exported['outputs']['int8'])['quantization'].get('repairs')
  assert bool(repairs) == bool(one_hots)


def test_variants_run_in_litert_without_tensorflow(exported, tmp_path):
  """Each .tflite runs in a process where importing TensorFlow fails, and matches the
  SavedModel's output (computed here, with TensorFlow) on the same seeded inputs."""
  model_dir = os.path.join(exported['model_uri'], 'Format-Serving')
  spec = generator_inputs.read_spec(model_dir)
  feed = generator_inputs.as_feed(*generator_inputs.inputs(spec, 200, seed=123))
  np.savez(tmp_path / 'inputs.npz', **feed)
  paths = [os.path.join(path_utils.serving_model_dir(exported['outputs'][v].uri), 'tflite')
           for v in VARIANTS]
  helpers.run_without_tensorflow(str(tmp_path / 'inputs.npz'), str(tmp_path / 'out.npz'), paths)
  reference = parity.reference_images(parity.load_generator(model_dir, spec), feed)
  results = np.load(tmp_path / 'out.npz')
  for i, variant in enumerate(VARIANTS):
    assert list(results[f'inputs_{i}']) == sorted(feed)  # callable by name: noise[, label]
    figures = parity.compare(reference, results[f'images_{i}'])
    assert figures['psnr_db'] >= component.DEFAULT_MIN_PSNR_DB[variant], (variant, figures)
  assert parity.compare(reference, results['images_0'])['max_abs_error'] < 1e-4  # fp32


def test_impossible_threshold_fails_naming_variant_and_publishes_nothing(tmp_path):
  model_uri = helpers.export_standin('mlp', str(tmp_path / 'model'))
  with pytest.raises(parity.ParityError, match=r"variant 'int8' fails parity through 'serving_default': PSNR .* < "
                                               r'threshold 199\.00 dB'):
    helpers.run_do(model_uri, tmp_path, min_psnr_db={'int8': 199.0}, parity_samples=100)
  assert helpers.published_files(tmp_path) == []
  assert not [p for p in os.listdir(tmp_path / 'TFLiteExport') if p.startswith('.')]


def test_op_left_in_float_by_int8_quantizer_fails_naming_op_and_variant(tmp_path):
  # The TF 2.16 converter keeps CUMSUM in float even with TFLITE_BUILTINS_INT8 only.
  extra = lambda images: tf.math.cumsum(images, axis=2) / 28.0
  model_uri = helpers.export_standin('mlp', str(tmp_path / 'model'), extra_op=extra)
  with pytest.raises(checks.VariantCheckError,
                     match=r"variant 'int8': op\(s\) CUMSUM could not be quantized"):
    helpers.run_do(model_uri, tmp_path, parity_samples=100)
  assert helpers.published_files(tmp_path) == []


@pytest.mark.parametrize('damage', ['missing', 'empty', 'garbage_pb', 'no_spec'])
def test_broken_input_model_fails_naming_path(tmp_path, damage):
  model_uri = str(tmp_path / 'model')
  serving = os.path.join(model_uri, 'Format-Serving')
  if damage == 'no_spec':
    helpers.export_standin('mlp', model_uri)
    os.remove(os.path.join(serving, 'generator_spec.json'))
  elif damage != 'missing':
    os.makedirs(serving)
  if damage == 'garbage_pb':
    with open(os.path.join(serving, 'saved_model.pb'), 'wb') as f:
      f.write(b'not a protobuf \x00\xff' * 10)
    with open(os.path.join(serving, 'generator_spec.json'), 'w') as f:
      json.dump(helpers.tflite_standins.spec('x', False, 100, 'uniform'), f)
  with pytest.raises(ValueError) as error:
    helpers.run_do(model_uri, tmp_path, parity_samples=100)
  assert serving in str(error.value)
  assert helpers.published_files(tmp_path) == []


def test_spec_errors_name_the_file_and_key(tmp_path):
  with open(tmp_path / 'generator_spec.json', 'w') as f:
    json.dump(dict(helpers.tflite_standins.spec('x', True, 64, 'normal'),
                   noise={'distribution': 'cauchy'}), f)
  with pytest.raises(ValueError, match=r'generator_spec\.json.*noise\.distribution'):
    generator_inputs.read_spec(str(tmp_path))


def test_converter_errors_are_translated_naming_variant_and_ops():
  message = ("<unknown>:0: error: loc(fused['Lgamma']): 'tf.Lgamma' op is neither a custom op "
             'nor a flex op\n<unknown>:0: note: see current operation')
  assert convert.translate_error('fp16', message).startswith(
      "TFLite variant 'fp16': unsupported op(s) tf.Lgamma: <unknown>:0: error:")


def _connection(root):
  return tfx.orchestration.metadata.sqlite_metadata_connection_config(
      os.path.join(root, 'metadata.sqlite'))


def _run_pipeline(root, model_uri, **component_args):
  importer = tfx.dsl.Importer(source_uri=model_uri,
                              artifact_type=tfx.types.standard_artifacts.Model)
  export = component.TFLiteExport(model=importer.outputs['result'], parity_samples=200,
                                  latency_runs=10, **component_args)
  tfx.orchestration.LocalDagRunner().run(tfx.dsl.Pipeline(
      pipeline_name='tflite_test', pipeline_root=root, components=[importer, export],
      metadata_connection_config=_connection(root)))


def _live_tflite_models(root):
  """variant -> published (LIVE) Model artifact written by TFLiteExport, from MLMD."""
  store = metadata_store.MetadataStore(_connection(root))
  return {a.custom_properties['tflite_variant'].string_value: a
          for a in store.get_artifacts_by_type('Model')
          if a.state == a.LIVE and 'tflite_variant' in a.custom_properties}


def test_component_in_local_dag_runner_pipeline(tmp_path):
  model_uri = helpers.export_standin('conditional', str(tmp_path / 'model'))
  root = str(tmp_path / 'tfx')
  _run_pipeline(root, model_uri)
  produced = _live_tflite_models(root)
  assert sorted(produced) == sorted(VARIANTS)
  for variant, artifact in produced.items():
    folder = path_utils.serving_model_dir(artifact.uri)
    assert os.path.isfile(os.path.join(folder, 'tflite'))
    with open(os.path.join(folder, 'card.json')) as f:
      assert json.load(f)['variant'] == variant
    assert artifact.custom_properties['parity_psnr_db'].double_value >= \
        component.DEFAULT_MIN_PSNR_DB[variant]


def test_failing_component_in_pipeline_leaves_no_published_artifact(tmp_path):
  model_uri = helpers.export_standin('mlp', str(tmp_path / 'model'))
  root = str(tmp_path / 'tfx')
  with pytest.raises(Exception, match="variant 'fp16' fails parity"):
    _run_pipeline(root, model_uri, min_psnr_db={'fp16': 199.0})
  assert _live_tflite_models(root) == {}
  leftovers = [os.path.join(d, f) for d, _, files in os.walk(root)
               for f in files if f in ('tflite', 'card.json')]
  assert leftovers == []


def test_component_rejects_unknown_threshold_variant():
  channel = types.Channel(type=tfx.types.standard_artifacts.Model)
  with pytest.raises(ValueError, match='int4'):
    component.TFLiteExport(model=channel, min_psnr_db={'int4': 10.0})


def test_constant_generator_fails_before_litert_runs_it(tmp_path):
  # A (nearly) constant output calibrates to a ~0 int8 scale; LiteRT would abort the process.
  model_uri = helpers.export_standin('mlp', str(tmp_path / 'model'),
                                     extra_op=lambda images: images * 1e-9)
  with pytest.raises(checks.VariantCheckError,
                     match=r"variant 'int8': activation\(s\) .* near-zero quantization scale"):
    helpers.run_do(model_uri, tmp_path, parity_samples=100)
  assert helpers.published_files(tmp_path) == []
