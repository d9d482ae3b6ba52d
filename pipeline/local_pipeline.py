"""The pipeline with every file under one local output folder, for the local orchestrators.

local_runner.py (LocalDagRunner, the TFX CLI) and airflow_dag.py (AirflowDagRunner) run the
same pipeline with the same layout; only their default folder differs. Lives in the
package, not in local_runner.py, because Airflow loads airflow_dag.py from its dags folder,
where only installed packages import.
"""
import os
from typing import List, Mapping

from tfx import v1 as tfx

from pipeline import beam_args
from pipeline import configs
from pipeline import knob_errors
from pipeline import pipeline
from pipeline import run_knobs
from pipeline import run_settings


def output_paths(output_dir: str) -> dict:
  """The layout under the output folder."""
  return {
      'pipeline_root': os.path.join(output_dir, 'pipeline_root'),
      'metadata_path': os.path.join(output_dir, 'metadata.sqlite'),
      'serving_dir': os.path.join(output_dir, 'serving'),
      'tfds_data_dir': os.path.join(output_dir, 'tfds'),
      'run_lock': os.path.join(output_dir, '.run.lock'),
  }


def local_beam_args(environ: Mapping[str, str]) -> List[str]:
  """BEAM_* settings as every runner reads them, but the DirectRunner in this process
  unless BEAM_RUNNING_MODE says otherwise (configs.LOCAL_DIRECT_RUNNING_MODE: why)."""
  return beam_args.beam_args_from_env(
      environ, direct_defaults={'running_mode': configs.LOCAL_DIRECT_RUNNING_MODE})


def local_settings(output_dir: str, environ: Mapping[str, str],
                   folders_here: bool) -> dict:
  """Every setting the local pipeline takes from `environ`, checked together: one
  RunSettingsError names each bad variable, its value and the allowed values.

  `folders_here`: the components run on this machine (local_runner.py), so MNIST_DIR and
  INCOMING_DIR must exist now and the output folders be writable. Airflow parses the DAG
  file on its scheduler, which need not be the machine its tasks run on (Celery or
  Kubernetes executors): there only the values are checked, not the file system.
  """
  return knob_errors.gather(
      output_dir=lambda: run_settings.writable_folder({'TFX_OUTPUT_DIR': output_dir},
                                                      'TFX_OUTPUT_DIR', here=folders_here),
      # Read by the TFX CLI, not here; checked so `make run` reports it with the others.
      local_home=lambda: run_settings.writable_folder(environ, 'LOCAL_HOME', here=folders_here),
      pipeline_name=lambda: run_settings.pipeline_name(environ, configs.PIPELINE_NAME),
      tfds_data_dir=lambda: run_settings.writable_folder(environ, 'TFDS_DATA_DIR', urls=True,
                                                         here=folders_here),
      manual_dir=lambda: run_settings.input_folder(environ, 'MNIST_DIR', folders_here),
      # Only checked: run_knobs gives the same absolute path as the `incoming_dir` knob.
      incoming_dir=lambda: run_settings.input_folder(environ, 'INCOMING_DIR', folders_here),
      knobs=lambda: run_knobs.knobs_from_env(environ),
      beam_pipeline_args=lambda: local_beam_args(environ),
  )


def create_local_pipeline(output_dir: str, environ: Mapping[str, str] = os.environ,
                          folders_here: bool = False) -> tfx.dsl.Pipeline:
  """The pipeline writing under `output_dir` (output_paths), with the settings of `environ`:
  MNIST_DIR, TFDS_DATA_DIR, PIPELINE_NAME, the run knobs (run_knobs.py) and BEAM_*.

  Raises RunSettingsError, before any component is built, if a setting is bad
  (`local_settings`).
  """
  settings = local_settings(output_dir, environ, folders_here)
  paths = output_paths(settings['output_dir'])
  return pipeline.create_pipeline(
      pipeline_name=settings['pipeline_name'],
      pipeline_root=paths['pipeline_root'],
      tfds_data_dir=settings['tfds_data_dir'] or paths['tfds_data_dir'],
      schema_path=configs.SCHEMA_PATH,
      metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
          paths['metadata_path']),
      dataset=configs.DATASET,
      manual_dir=settings['manual_dir'],
      beam_pipeline_args=settings['beam_pipeline_args'],
      serving_dir=paths['serving_dir'],
      **settings['knobs'],
  )
