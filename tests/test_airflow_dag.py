"""airflow_dag.py without Airflow: the pipeline it hands to AirflowDagRunner and its schedule.

Airflow cannot be installed next to this project's pins (docs/operating.md), so
what AirflowDagRunner itself does with the pipeline is not tested here; what it needs from
the pipeline is: topological order and a launcher for every node.
"""
import datetime
import importlib.util
import os

from tfx.orchestration.config import config_utils
from tfx.orchestration.config import pipeline_config

import airflow_dag
from pipeline import local_pipeline
from pipeline import configs
from pipeline import pipeline as pipeline_lib

_ENV = {'TFX_OUTPUT_DIR': '/data/mnist-gan', 'MNIST_DIR': '/data/mnist', 'PRESET': 'mlp',
        'TRAIN_STEPS': '321', 'GAN_CONFIG': 'batch_size=16,g_noise=fresh'}


def _same_pipeline_built_directly():
  return pipeline_lib.create_pipeline(
      pipeline_name=configs.PIPELINE_NAME, pipeline_root='/data/mnist-gan/pipeline_root',
      tfds_data_dir='/data/mnist-gan/tfds', schema_path=configs.SCHEMA_PATH,
      serving_dir='/data/mnist-gan/serving', manual_dir='/data/mnist',
      beam_pipeline_args=local_pipeline.local_beam_args({}), preset='mlp', train_steps=321,
      gan_config={'batch_size': 16, 'g_noise': 'fresh'})


def test_dag_builds_the_pipeline_of_create_pipeline():
  built = airflow_dag.create_airflow_pipeline(_ENV)
  expected = _same_pipeline_built_directly()
  assert [c.id for c in built.components] == [c.id for c in expected.components]
  for got, want in zip(built.components, expected.components):
    assert got.exec_properties == want.exec_properties, got.id
  assert built.pipeline_info.pipeline_root == '/data/mnist-gan/pipeline_root'
  assert built.metadata_connection_config.sqlite.filename_uri == '/data/mnist-gan/metadata.sqlite'
  assert built.beam_pipeline_args == local_pipeline.local_beam_args({})


def test_default_output_is_apart_from_local_runs():
  built = airflow_dag.create_airflow_pipeline({})
  repo = os.path.dirname(os.path.realpath(airflow_dag.__file__))
  assert built.pipeline_info.pipeline_root == os.path.join(
      repo, 'tfx_output', 'airflow', 'pipeline_root')


def test_every_node_has_a_launcher_in_topological_order():
  built = airflow_dag.create_airflow_pipeline(_ENV)
  seen = set()
  for node in built.components:
    # What AirflowDagRunner.run asks per node (with AirflowPipelineConfig, a PipelineConfig).
    launcher, _ = config_utils.find_component_launch_info(pipeline_config.PipelineConfig(), node)
    assert launcher is not None, node.id
    assert {upstream.id for upstream in node.upstream_nodes} <= seen, node.id
    seen.add(node.id)


def test_schedule():
  assert airflow_dag.SCHEDULE_INTERVAL == '@daily'
  config = airflow_dag.AIRFLOW_DAG_CONFIG
  assert config['schedule_interval'] == airflow_dag.SCHEDULE_INTERVAL
  assert config['start_date'].tzinfo == datetime.timezone.utc
  assert config['max_active_runs'] == 1  # Airflow's own guard against overlapping runs
  assert config['catchup'] is False


def test_dag_object_exists_exactly_when_airflow_is_installed():
  assert hasattr(airflow_dag, 'DAG') == (importlib.util.find_spec('airflow') is not None)
