"""Run knobs and settings from the environment: configs.py values unless a variable overrides
them, and every variable checked when the pipeline is built, naming variable, value and
allowed values."""
import json
import os
import re

import pytest
from tfx.dsl.compiler import compiler

import airflow_dag
from components.tflite_export import executor
import kubeflow_v2_runner
from pipeline import check_settings
from pipeline import configs
from pipeline import gan_config
from pipeline import local_pipeline
from pipeline import pipeline as pipeline_lib
from pipeline import run_knobs
from pipeline.knob_errors import RunSettingsError

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_VERTEX_ENV = {'PIPELINE_ROOT': 'gs://b/root'}


def test_unset_or_empty_means_the_configs_values():
  expected = {'preset': configs.PRESET, 'train_steps': configs.TRAIN_STEPS,
              'classifier_train_steps': configs.CLASSIFIER_TRAIN_STEPS,
              'eval_samples': configs.EVAL_SAMPLES, 'max_examples_per_split': None,
              'stop_after': None, 'warm_start': configs.WARM_START,
              'incoming_dir': configs.INCOMING_DIR, 'gan_config': None,
              'model_author': configs.MODEL_AUTHOR, 'model_license': configs.MODEL_LICENSE}
  assert run_knobs.knobs_from_env({}) == expected
  assert run_knobs.knobs_from_env({'PRESET': '', 'TRAIN_STEPS': '', 'WARM_START': ''}) == expected


def test_variables_override():
  knobs = run_knobs.knobs_from_env({
      'PRESET': 'mlp', 'TRAIN_STEPS': '10', 'CLASSIFIER_TRAIN_STEPS': '20',
      'EVAL_SAMPLES': '30', 'MAX_EXAMPLES': '40', 'STOP_AFTER': 'training',
      'WARM_START': 'no', 'INCOMING_DIR': '/data/incoming',
      'GAN_CONFIG': 'batch_size=32,lr_g=0.0005,simultaneous=yes,g_noise=fresh',
      'MODEL_AUTHOR': ' Example   Corp ', 'MODEL_LICENSE': "CC BY 4.0 (O'Brien & Co; \"©\")"})
  assert knobs == {'preset': 'mlp', 'train_steps': 10, 'classifier_train_steps': 20,
                   'eval_samples': 30, 'max_examples_per_split': 40,
                   'stop_after': 'training', 'warm_start': False,
                   'incoming_dir': '/data/incoming',
                   'gan_config': {'batch_size': 32, 'lr_g': 0.0005, 'simultaneous': True,
                                  'g_noise': 'fresh'},
                   'model_author': 'Example Corp',  # spaces as the cron line gives them
                   'model_license': "CC BY 4.0 (O'Brien & Co; \"©\")"}


def test_incoming_dir_is_made_absolute_unless_a_url(monkeypatch, tmp_path):
  monkeypatch.chdir(tmp_path)
  assert run_knobs.knobs_from_env({'INCOMING_DIR': 'incoming'})['incoming_dir'] == str(
      tmp_path / 'incoming')
  assert run_knobs.knobs_from_env(
      {'INCOMING_DIR': 'gs://bucket/incoming'})['incoming_dir'] == 'gs://bucket/incoming'


# Every variable a runner reads: (runner, variable, bad value, good value, allowed values as
# the message must name them). {file}, {missing} and {folder} stand for paths in tmp_path.
_STAGES = "one of 'validation', 'training'"
_WHOLE = 'a whole number >= 1'
KNOB_TABLE = [
    ('local', 'PRESET', 'dcgan', 'mlp', 'one of the registered presets (models/presets)'),
    ('local', 'TRAIN_STEPS', '-5', '10', _WHOLE),
    ('local', 'TRAIN_STEPS', '1_000', '1000', _WHOLE),
    ('local', 'CLASSIFIER_TRAIN_STEPS', '0', '20', _WHOLE),
    ('local', 'EVAL_SAMPLES', 'abc', '2', 'a whole number >= 2'),
    ('local', 'EVAL_SAMPLES', '1', '500', 'a whole number >= 2'),
    ('local', 'MAX_EXAMPLES', '1e3', '100', _WHOLE),
    ('local', 'STOP_AFTER', 'bogus', 'validation', _STAGES),
    ('local', 'STOP_AFTER', 'Training', 'training', _STAGES),
    ('local', 'WARM_START', 'maybe', 'false', '1/true/yes or 0/false/no'),
    ('local', 'INCOMING_DIR', '{missing}', '{folder}', 'an existing folder'),
    ('local', 'GAN_CONFIG', 'batch_size=abc', 'batch_size=32', "batch_size='abc' is not a whole"),
    ('local', 'GAN_CONFIG', 'learning_rate=0.1', 'lr_g=0.1', "unknown key 'learning_rate'"),
    ('local', 'GAN_CONFIG', 'preset=mlp', 'seed=3', 'its own variable, PRESET'),
    ('local', 'GAN_CONFIG', 'batch_size=0', 'batch_size=1', 'batch_size must be positive'),
    ('local', 'MODEL_AUTHOR', '100% Example Corp', 'Example Corp', "holds '%'"),
    ('local', 'MODEL_AUTHOR', '   ', 'Example Corp', 'blank text'),
    ('local', 'MODEL_AUTHOR', 'Example\nCorp', "O'Brien & Co", "holds '\\n'"),
    ('local', 'MODEL_LICENSE', 'Apache-$VERSION', 'Apache-2.0', "holds '$'"),
    ('local', 'MODEL_LICENSE', 'x' * 201, 'x' * 200, '201 characters, over 200'),
    ('vertex', 'MODEL_LICENSE', 'tab\tlicense', 'Apache-2.0', 'printable text'),
    ('local', 'MNIST_DIR', '{file}', '{folder}', 'an existing folder'),
    ('local', 'TFDS_DATA_DIR', '{file}/tfds', '{missing}/tfds', 'a folder this user can write'),
    ('local', 'TFX_OUTPUT_DIR', '{file}', '{missing}', 'a folder this user can write'),
    ('local', 'TFX_OUTPUT_DIR', 'gs://b/out', '{folder}', 'a local folder, not a URL'),
    ('local', 'LOCAL_HOME', '{file}', '{missing}', 'a folder this user can write'),
    ('local', 'PIPELINE_NAME', 'nightly run', 'nightly-run_2', 'letters, digits, _ or -'),
    ('local', 'PIPELINE_NAME', 'x' * 64, 'x' * 63, '1 to 63'),
    ('local', 'BEAM_RUNNER', 'Flink', 'direct', "one of direct, flink, spark, dataflow"),
    ('local', 'BEAM_RUNNING_MODE', 'processes', 'multi_processing', "'in_memory'"),
    ('local', 'BEAM_NUM_WORKERS', 'two', '2', 'a whole number >= 0'),
    ('local', 'BEAM_EXTRA_ARGS', "--job_name='x", '--max_parallelism=16', 'shell-quoted'),
    ('local', 'BEAM_EXTRA_ARGS', 'max_parallelism=16', '--max_parallelism=16', 'not a --flag'),
    ('flink', 'BEAM_FLINK_MASTER', 'localhost', 'localhost:8081', 'host:port'),
    ('flink', 'BEAM_PARALLELISM', '0', '4', _WHOLE),
    ('flink', 'BEAM_WORKER_IMAGE', 'Registry/Mnist Gan', 'registry.io:5000/ml/mnist-gan:1.0',
     'a Docker image reference'),
    ('spark', 'BEAM_SPARK_REST_URL', 'spark-master:6066', 'http://spark-master:6066',
     "the Spark master's REST URL"),
    ('dataflow', 'BEAM_PROJECT', 'My Project', 'my-project-123', 'a Google Cloud project id'),
    ('dataflow', 'BEAM_REGION', 'europe', 'europe-west4', 'a Google Cloud region'),
    ('dataflow', 'BEAM_TEMP_LOCATION', '/tmp/beam', 'gs://b/tmp', 'a gs:// folder'),
    ('vertex', 'PIPELINE_ROOT', '{folder}', 'gs://b/other-root', 'a gs:// folder'),
    ('vertex', 'PIPELINE_NAME', 'mnist_gan', 'mnist-gan-2', 'lowercase letters, digits'),
    ('vertex', 'PIPELINE_IMAGE', 'mnist gan', 'europe-docker.pkg.dev/p/r/mnist-gan:1',
     'a Docker image reference'),
    ('vertex', 'SERVING_DIR', '/serving', 'gs://b/serving', 'a gs:// folder'),
    ('vertex', 'INCOMING_DIR', 'gs://b/incoming', '', 'unset: span ingest is not supported'),
    ('vertex', 'TRAIN_STEPS', '-5', '10', _WHOLE),
    ('vertex', 'GAN_CONFIG', 'g_noise=sometimes', 'g_noise=fresh', "'shared', 'fresh'"),
    ('cron', 'CRON_SCHEDULE', '0 3 * *', '*/15 1-5 * jan mon,fri', 'five cron fields'),
    ('cron', 'CRON_SCHEDULE', '61 * * * *', '@daily', 'five cron fields'),
    ('cron', 'CRON_SCHEDULE', '0 3 * * funday', '0 3 * * 0-6/2', 'names for month and weekday'),
]
# What each runner needs besides the variable under test: BEAM_* of the runner chosen.
_BASE_ENV = {
    'local': {}, 'cron': {}, 'vertex': _VERTEX_ENV,
    'flink': {'BEAM_RUNNER': 'flink', 'BEAM_FLINK_MASTER': 'localhost:8081'},
    'spark': {'BEAM_RUNNER': 'spark', 'BEAM_SPARK_REST_URL': 'http://spark:6066'},
    'dataflow': {'BEAM_RUNNER': 'dataflow', 'BEAM_PROJECT': 'my-project',
                 'BEAM_REGION': 'us-central1', 'BEAM_TEMP_LOCATION': 'gs://b/tmp'},
}


def _build(runner, environ, output_dir):
  """What each runner does with the environment when it builds (or schedules) the pipeline."""
  if runner == 'vertex':
    return kubeflow_v2_runner.create_vertex_pipeline(environ)
  if runner == 'cron':  # `make schedule` runs exactly this (Makefile)
    return check_settings.CHECKS['CRON_SCHEDULE'](environ)
  return local_pipeline.create_local_pipeline(
      environ.get('TFX_OUTPUT_DIR') or output_dir, environ, folders_here=True)


@pytest.mark.parametrize('runner, variable, bad, good, allowed', KNOB_TABLE)
def test_every_knob_is_checked_when_the_pipeline_is_built(tmp_path, runner, variable, bad,
                                                          good, allowed):
  (tmp_path / 'file').write_text('not a folder')
  (tmp_path / 'folder').mkdir()
  paths = {'file': tmp_path / 'file', 'missing': tmp_path / 'missing',
           'folder': tmp_path / 'folder'}
  bad, good = bad.format(**paths), good.format(**paths)
  output_dir = str(tmp_path / 'out')
  with pytest.raises(RunSettingsError) as raised:
    _build(runner, dict(_BASE_ENV[runner], **{variable: bad}), output_dir)
  [line] = raised.value.problems  # only the bad variable is reported
  assert line.startswith(f'{variable}={bad!r}: ')
  assert allowed in line
  assert line in str(raised.value)
  assert not os.path.exists(output_dir)  # refused before the build wrote anything
  _build(runner, dict(_BASE_ENV[runner], **{variable: good}), output_dir)  # accepted


def test_gan_config_reaches_the_gan_trainer(tmp_path):
  built = local_pipeline.create_local_pipeline(
      str(tmp_path / 'out'), {'PRESET': 'mlp', 'GAN_CONFIG': 'lr_d=0.0001, d_split_real_fake=1'})
  [trainer] = [c for c in built.components if c.id == 'Trainer']
  assert json.loads(trainer.exec_properties['custom_config']) == {
      'preset': 'mlp', 'lr_d': 0.0001, 'd_split_real_fake': True}
  [classifier] = [c for c in built.components if c.id == 'ClassifierTrainer']
  assert 'lr_d' not in json.loads(classifier.exec_properties['custom_config'])


def test_without_gan_config_the_trainer_gets_the_preset_alone(tmp_path):
  built = local_pipeline.create_local_pipeline(str(tmp_path / 'out'), {})
  [trainer] = [c for c in built.components if c.id == 'Trainer']
  assert json.loads(trainer.exec_properties['custom_config']) == {'preset': configs.PRESET}


def _tflite_export(built):
  [export] = [c for c in built.components if c.id == 'TFLiteExport']
  return export


@pytest.mark.parametrize('build', [
    lambda env, out: local_pipeline.create_local_pipeline(out, env),
    lambda env, out: airflow_dag.create_airflow_pipeline(dict(env, TFX_OUTPUT_DIR=out)),
], ids=['local', 'airflow'])
def test_model_author_and_license_reach_tflite_export(tmp_path, build):
  built = build({'MODEL_AUTHOR': 'Example  Corp', 'MODEL_LICENSE': 'Apache-2.0'},
                str(tmp_path / 'out'))
  properties = _tflite_export(built).exec_properties
  assert properties[executor.METADATA_AUTHOR_KEY] == 'Example Corp'
  assert properties[executor.METADATA_LICENSE_KEY] == 'Apache-2.0'


def test_without_model_author_and_license_tflite_export_compiles_as_before(tmp_path):
  """Unset, the export's exec properties (its cache key) are those of an export built
  without the two fields: no metadata key at all, not even one set to None."""
  built = local_pipeline.create_local_pipeline(str(tmp_path / 'out'), {})
  keys = (executor.METADATA_AUTHOR_KEY, executor.METADATA_LICENSE_KEY)
  assert not set(keys) & set(_tflite_export(built).exec_properties)
  [node] = [n.pipeline_node for n in compiler.Compiler().compile(built).nodes
            if n.pipeline_node.node_info.id == 'TFLiteExport']
  assert not set(keys) & set(node.parameters.parameters)
  assert executor.PARITY_SAMPLES_KEY in node.parameters.parameters  # the others are there


def test_a_bad_gan_config_names_the_key_and_every_allowed_key(tmp_path):
  with pytest.raises(RunSettingsError) as raised:
    local_pipeline.create_local_pipeline(str(tmp_path / 'out'),
                                         {'GAN_CONFIG': 'seed=1,lr_g=fast'})
  [line] = raised.value.problems
  assert line.startswith("GAN_CONFIG='seed=1,lr_g=fast': lr_g='fast' is not a number; ")
  assert 'keys: ' + ', '.join(gan_config.KEYS) in line
  assert 'preset' not in gan_config.KEYS


def test_create_pipeline_checks_a_gan_config_given_directly():
  paths = dict(pipeline_name='p', pipeline_root='/tmp/unused/root',
               tfds_data_dir='/tmp/unused/tfds', schema_path=configs.SCHEMA_PATH,
               serving_dir='/tmp/unused/serving')
  with pytest.raises(ValueError, match='ema_decya'):
    pipeline_lib.create_pipeline(**paths, gan_config={'ema_decya': 0.9})
  with pytest.raises(ValueError, match='pass the preset as preset='):
    pipeline_lib.create_pipeline(**paths, gan_config={'preset': 'mlp'})


def test_the_table_covers_every_knob():
  tested = {variable for _, variable, *_ in KNOB_TABLE}
  assert {knob.variable for knob in run_knobs.KNOBS} <= tested
  assert set(check_settings.CHECKS) - {'KNOBS'} <= tested  # KNOBS: the knobs above, together


def test_all_bad_knobs_are_reported_together(tmp_path):
  environ = {'STOP_AFTER': 'bogus', 'EVAL_SAMPLES': 'abc', 'TRAIN_STEPS': '-5',
             'BEAM_RUNNER': 'flink'}
  with pytest.raises(RunSettingsError) as raised:
    local_pipeline.create_local_pipeline(str(tmp_path / 'out'), environ, folders_here=True)
  message = str(raised.value)
  assert message.splitlines()[0] == '4 bad run settings, nothing has run:'
  for text in ("STOP_AFTER='bogus'", "EVAL_SAMPLES='abc'", "TRAIN_STEPS='-5'",
               'BEAM_FLINK_MASTER is unset: BEAM_RUNNER=flink needs host:port'):
    assert text in message


@pytest.mark.parametrize('build', [
    lambda env: local_pipeline.create_local_pipeline('/tmp/unused', env, folders_here=True),
    airflow_dag.create_airflow_pipeline,
    lambda env: kubeflow_v2_runner.create_vertex_pipeline(dict(_VERTEX_ENV, **env)),
], ids=['local', 'airflow', 'kubeflow_v2'])
def test_every_runner_checks_the_knobs(build):
  with pytest.raises(RunSettingsError, match=r"STOP_AFTER='bogus': one of 'validation'"):
    build({'STOP_AFTER': 'bogus'})


def test_airflow_checks_values_but_not_folders_of_its_workers():
  # Airflow parses the DAG on its scheduler; the folders live where its tasks run.
  built = airflow_dag.create_airflow_pipeline(
      {'TFX_OUTPUT_DIR': '/no/such/out', 'MNIST_DIR': '/no/such/mnist'})
  assert built.pipeline_info.pipeline_root == '/no/such/out/pipeline_root'
  with pytest.raises(RunSettingsError, match="TFX_OUTPUT_DIR='gs://b/out'"):
    local_pipeline.create_local_pipeline('gs://b/out', {})


def test_docs_list_every_knob():
  with open(os.path.join(_REPO, 'docs', 'operating.md')) as f:
    text = f.read()
  section = text.split('## Run knobs', 1)[1].split('\n## ', 1)[0]
  documented = set(re.findall(r'^\| `([A-Z_]+)`', section, re.M))
  tested = {variable for _, variable, *_ in KNOB_TABLE}
  assert tested <= documented
