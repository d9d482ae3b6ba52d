"""The Beam argument sets per runner, and their selection from the environment."""
import pytest
from apache_beam.options import pipeline_options

from pipeline import beam_args
from pipeline import configs


def _options(args):
  """What Beam itself parses out of `args` (unknown flags would be dropped, not parsed)."""
  return pipeline_options.PipelineOptions(args).get_all_options()


def _direct(args):
  options = _options(args)
  return options['direct_running_mode'], options['direct_num_workers']


def test_direct_uses_worker_processes_on_multi_core_machines(monkeypatch):
  monkeypatch.setattr(beam_args.os, 'cpu_count', lambda: 2)
  assert _direct(beam_args.direct_args()) == ('multi_processing', 0)  # 0: one per core
  monkeypatch.setattr(beam_args.os, 'cpu_count', lambda: 1)
  assert _direct(beam_args.direct_args()) == ('in_memory', 1)


def test_tests_and_in_process_runs_stay_in_memory():
  assert _direct(configs.BEAM_PIPELINE_ARGS) == ('in_memory', 1)


def test_flink_local_cluster_calls_back_into_this_process():
  options = _options(beam_args.beam_pipeline_args('flink', flink_master='localhost:8081',
                                                  parallelism=4))
  assert options['runner'] == 'FlinkRunner'
  assert options['flink_master'] == 'localhost:8081'
  assert options['flink_submit_uber_jar'] is True
  assert options['parallelism'] == 4
  assert options['environment_type'] == 'LOOPBACK'
  assert options['sdk_worker_parallelism'] == '4'
  assert 'use_loopback_process_worker=True' in options['experiments']


def test_spark_remote_cluster_runs_workers_from_our_image():
  options = _options(beam_args.beam_pipeline_args(
      'spark', spark_rest_url='http://spark-master:6066', worker_image='registry/mnist:1'))
  assert options['runner'] == 'SparkRunner'
  assert options['spark_rest_url'] == 'http://spark-master:6066'
  assert options['spark_submit_uber_jar'] is True
  assert options['environment_type'] == 'DOCKER'
  assert options['environment_config'] == 'registry/mnist:1'


def test_dataflow_with_image_or_setup_py():
  with_image = _options(beam_args.beam_pipeline_args(
      'dataflow', project='p', region='europe-west4', temp_location='gs://b/tmp',
      worker_image='registry/mnist:1'))
  assert with_image['runner'] == 'DataflowRunner'
  assert (with_image['project'], with_image['region'], with_image['temp_location']) == (
      'p', 'europe-west4', 'gs://b/tmp')
  assert with_image['sdk_container_image'] == 'registry/mnist:1'
  assert with_image['setup_file'] is None
  without = _options(beam_args.beam_pipeline_args(
      'dataflow', project='p', region='europe-west4', temp_location='gs://b/tmp'))
  assert without['setup_file'].endswith('/setup.py')


def test_dataflow_needs_a_gcs_temp_location():
  with pytest.raises(ValueError, match='gs://'):
    beam_args.dataflow_args(project='p', region='r', temp_location='/tmp/beam')


@pytest.mark.parametrize('runner, options, message', [
    ('spork', {}, 'unknown Beam runner'),
    ('flink', {}, "'flink'.*flink_master"),
    ('direct', {'flink_master': 'x'}, "'direct'.*flink_master"),
])
def test_bad_runner_or_options_are_named(runner, options, message):
  with pytest.raises(ValueError, match=message):
    beam_args.beam_pipeline_args(runner, **options)


def test_from_env_defaults_to_direct(monkeypatch):
  monkeypatch.setattr(beam_args.os, 'cpu_count', lambda: 2)
  assert beam_args.beam_args_from_env({}) == beam_args.direct_args()


def test_from_env_reads_only_the_chosen_runners_options():
  environ = {'BEAM_RUNNER': 'flink', 'BEAM_FLINK_MASTER': 'flink:8081',
             'BEAM_PARALLELISM': '8', 'BEAM_PROJECT': 'ignored-for-flink',
             'BEAM_EXTRA_ARGS': "--max_parallelism=16 --job_name='nightly run'"}
  args = beam_args.beam_args_from_env(environ)
  assert args == beam_args.flink_args('flink:8081', parallelism=8) + [
      '--max_parallelism=16', '--job_name=nightly run']


@pytest.mark.parametrize('environ, message', [
    ({'BEAM_RUNNER': 'dataflow', 'BEAM_PROJECT': 'my-project', 'BEAM_REGION': 'europe-west4'},
     'BEAM_TEMP_LOCATION is unset: BEAM_RUNNER=dataflow needs a gs:// folder'),
    ({'BEAM_RUNNER': 'Flink'}, "BEAM_RUNNER='Flink': one of direct, flink, spark, dataflow"),
])
def test_from_env_names_what_is_missing(environ, message):
  with pytest.raises(ValueError, match=message):
    beam_args.beam_args_from_env(environ)


def test_a_misspelt_variable_is_named_not_ignored():
  environ = {'BEAM_RUNNER': 'flink', 'BEAM_FLINK_MASTER': 'flink:8081', 'BEAM_PARALELISM': '8'}
  with pytest.raises(ValueError, match="BEAM_PARALELISM='8': not a Beam setting of this "
                                       "project; known: BEAM_RUNNER, BEAM_EXTRA_ARGS, .*"
                                       "BEAM_PARALLELISM"):
    beam_args.beam_args_from_env(environ)
  # Another runner's options are known, so one environment can hold several runners' settings.
  environ = {'BEAM_RUNNER': 'flink', 'BEAM_FLINK_MASTER': 'flink:8081', 'BEAM_PROJECT': 'p'}
  assert beam_args.beam_args_from_env(environ) == beam_args.flink_args('flink:8081')
