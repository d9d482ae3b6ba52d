"""The custom components' executors on artifact URIs that are not local paths.

On Kubeflow V2 / Vertex AI every artifact URI and the serving folder are gs:// paths;
`ram://` stands in for them (tests/components/ram_fs.py). Inputs are put there, the
executors run, and their outputs must land there, with nothing written locally.
"""
import json
import os

import pytest
import tensorflow as tf
from tfx.types import artifact_utils
from tfx.types import standard_artifacts

from components import artifact_io
from components.sample_quality import eval_examples
from components.sample_quality.artifacts import SavedModelBlessing, TFLiteModelBlessing
from components.tflite_export import executor as tflite_executor
from components.versioned_pusher import component as pusher
from components.versioned_pusher import publish, release_metadata, release_page
from tests.components import tflite_helpers as helpers
from tests.components.ram_fs import ram_files

VARIANTS = tflite_executor.VARIANTS


def _artifact(kind, uri, artifact_id=None):
  artifact = kind()
  artifact.uri = uri
  if artifact_id is not None:
    artifact.id = artifact_id
  tf.io.gfile.makedirs(uri)  # TFX creates output folders before Do
  return artifact


def _remote_standin(tmp_path, ram_root):
  """The `mlp` stand-in generator, exported locally and copied to a ram:// Model URI."""
  local = helpers.export_standin('mlp', str(tmp_path / 'model'))
  uri = f'{ram_root}/Trainer/model/1'
  artifact_io.copy_tree(local, uri)
  return _artifact(standard_artifacts.Model, uri, artifact_id=1)


def _tflite_outputs(ram_root):
  return {v: [_artifact(standard_artifacts.Model, f'{ram_root}/TFLiteExport/{v}/7')]
          for v in VARIANTS}


def _export(model, outputs):
  tflite_executor.Executor().Do({'model': [model]}, outputs,
                                helpers.exec_properties(parity_samples=100, latency_runs=5))


def test_tflite_export_reads_and_writes_uris(tmp_path, ram_root):
  model, outputs = _remote_standin(tmp_path, ram_root), _tflite_outputs(ram_root)
  _export(model, outputs)
  for variant in VARIANTS:
    uri = outputs[variant][0].uri
    assert ram_files(uri) == ['Format-Serving/card.json', 'Format-Serving/tflite']
    card = json.loads(artifact_io.read_text(f'{uri}/Format-Serving/card.json'))
    assert card['variant'] == variant and card['source_model_uri'] == model.uri
    assert tf.io.gfile.stat(f'{uri}/Format-Serving/tflite').length == card['size_bytes']


def test_tflite_export_failing_to_publish_removes_what_it_copied(tmp_path, ram_root):
  model, outputs = _remote_standin(tmp_path, ram_root), _tflite_outputs(ram_root)
  # The last variant's output already exists: refused after the first three were copied.
  artifact_io.write_text(f'{outputs["int8"][0].uri}/Format-Serving/tflite', 'old')
  with pytest.raises(FileExistsError, match='int8'):
    _export(model, outputs)
  assert ram_files(f'{ram_root}/TFLiteExport') == ['int8/7/Format-Serving/tflite']


def _write_eval_split(examples_uri, count):
  path = f'{examples_uri}/Split-eval/data_tfrecord-00000-of-00001.gz'
  tf.io.gfile.makedirs(os.path.dirname(path))
  with tf.io.TFRecordWriter(path, 'GZIP') as writer:
    for i in range(count):
      writer.write(tf.train.Example(features=tf.train.Features(feature={
          'image': tf.train.Feature(int64_list=tf.train.Int64List(value=[i] * 784)),
          'label': tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
      })).SerializeToString())


def test_generator_eval_examples_reads_and_writes_uris(ram_root):
  examples = _artifact(standard_artifacts.Examples, f'{ram_root}/ExampleGen/examples/1')
  examples.split_names = artifact_utils.encode_split_names(['train', 'eval'])
  _write_eval_split(examples.uri, 12)
  model = _artifact(standard_artifacts.Model, f'{ram_root}/Trainer/model/1')
  spec = helpers.tflite_standins.spec('mlp', False, 100, 'uniform')
  artifact_io.write_text(f'{model.uri}/Format-Serving/generator_spec.json', json.dumps(spec))
  out = _artifact(standard_artifacts.Examples, f'{ram_root}/GeneratorEvalExamples/eval/2')
  schema = _artifact(standard_artifacts.Schema, f'{ram_root}/GeneratorEvalExamples/schema/2')
  eval_examples.GeneratorEvalExamples.EXECUTOR_SPEC.executor_class().Do(
      {'examples': [examples], 'model': [model]},
      {'eval_examples': [out], 'schema': [schema]},
      {'split': 'eval', 'num_samples': 10, 'seed': 0})
  [data] = tf.io.gfile.glob(f'{out.uri}/Split-eval/*')
  records = [tf.train.Example.FromString(r.numpy())
             for r in tf.data.TFRecordDataset(data, 'GZIP')]
  assert len(records) == 10
  assert len(records[0].features.feature['noise'].float_list.value) == 100
  assert ram_files(schema.uri) == ['schema.pbtxt']


def _blessing(kind, uri, blessing_id, model):
  blessing = _artifact(kind, uri, artifact_id=blessing_id)
  blessing.set_int_custom_property('blessed', 1)
  blessing.set_int_custom_property('current_model_id', model.id)
  return blessing


def test_versioned_pusher_reads_uris_and_publishes_to_a_uri(ram_root, monkeypatch):
  # TFMA's load_eval_result reads with tf.io.gfile itself; here there is no evaluation.
  monkeypatch.setattr(pusher, 'overall_metrics', lambda evaluation, model_name=None: {'fid': 1.0})
  # The model files here are stand-in bytes; stamping real ones into a ram:// serving folder
  # is tests/components/test_pushed_tflite_metadata.py's.
  monkeypatch.setattr(release_metadata, 'stamp', lambda folder, version: {})
  # The page runs the models with LiteRT too; its ram:// case is tests/demo/test_release_page.py's.
  monkeypatch.setattr(release_page, 'write_version_page', lambda folder, manifest: None)
  model = _artifact(standard_artifacts.Model, f'{ram_root}/Trainer/model/1', artifact_id=1)
  artifact_io.write_text(f'{model.uri}/Format-Serving/saved_model.pb', 'pb')
  artifact_io.write_text(f'{model.uri}/Format-Serving/variables/variables.index', 'ix')
  artifact_io.write_text(f'{model.uri}/Format-Serving/generator_spec.json',
                         json.dumps(helpers.tflite_standins.spec('mlp', False, 100, 'uniform')))
  inputs = {'model': [model],
            'model_blessing': [_blessing(SavedModelBlessing,
                                         f'{ram_root}/Evaluator/blessing/3', 3, model)]}
  for i, variant in enumerate(VARIANTS):
    tflite = _artifact(standard_artifacts.Model, f'{ram_root}/TFLiteExport/{variant}/2',
                       artifact_id=10 + i)
    artifact_io.write_text(f'{tflite.uri}/Format-Serving/tflite', variant)
    # As the exporter writes it: the card names the file beside it in the artifact.
    artifact_io.write_text(f'{tflite.uri}/Format-Serving/card.json',
                           json.dumps({'variant': variant, 'file': 'tflite'}))
    inputs[variant] = [tflite]
  for i, variant in enumerate(pusher.GATED_TFLITE_VARIANTS):
    inputs[f'{variant}_blessing'] = [_blessing(
        TFLiteModelBlessing, f'{ram_root}/gate-{variant}/blessing/4', 20 + i,
        inputs[variant][0])]
  # (No folder name is a prefix of another: ram:// lists by prefix.)
  for key in ['model_evaluation'] + [f'{v}_evaluation' for v in pusher.GATED_TFLITE_VARIANTS]:
    inputs[key] = [_artifact(standard_artifacts.ModelEvaluation, f'{ram_root}/eval/{key}/5')]
  pushed = _artifact(standard_artifacts.PushedModel, f'{ram_root}/Pusher/pushed/6')
  release = _artifact(standard_artifacts.ModelBlessing, f'{ram_root}/Pusher/release/6')
  serving = f'{ram_root}/serving'
  pusher.VersionedPusher.EXECUTOR_SPEC.executor_class().Do(
      inputs, {'pushed_model': [pushed], 'release_blessing': [release]},
      {'serving_dir': serving})
  assert pushed.get_int_custom_property('pushed') == 1
  assert release.get_int_custom_property('blessed') == 1
  version = pushed.get_string_custom_property('pushed_version')
  assert pushed.get_string_custom_property('pushed_destination') == f'{serving}/{version}'
  assert artifact_io.read_text(f'{serving}/{publish.LATEST}').strip() == version
  assert ram_files(f'{serving}/{version}') == sorted(
      ['manifest.json', 'saved_model/generator_spec.json', 'saved_model/saved_model.pb',
       'saved_model/variables/variables.index']
      + [f'tflite/{v}/{name}' for v in VARIANTS for name in ('card.json', 'model.tflite')])
  manifest = json.loads(artifact_io.read_text(f'{serving}/{version}/{publish.MANIFEST}'))
  assert manifest['lineage']['model_uri'] == model.uri
  assert manifest['files']['tflite/int8/model.tflite']['bytes'] == len('int8')
  for variant in VARIANTS:  # a shipped card names the file shipped beside it
    card = json.loads(artifact_io.read_text(f'{serving}/{version}/tflite/{variant}/card.json'))
    assert card['variant'] == variant
    assert f'tflite/{variant}/{card["file"]}' in manifest['files'], card
