"""The pipeline with every file under one local output folder, for the local orchestrators.

local_runner.py (LocalDagRunner, the TFX CLI) and airflow_dag.py (AirflowDagRunner) run the
same pipeline with the same layout; only their default folder differs. Lives in the
package, not in local_runner.py, because Airflow loads airflow_dag.py from its dags folder,
where only installed packages import.
"""
import os
from typing import Mapping

from tfx import v1 as tfx

from pipeline import beam_args
from pipeline import configs
from pipeline import pipeline
from pipeline import run_knobs


def output_paths(output_dir: str) -> dict:
  """The layout under the output folder."""
  return {
      'pipeline_root': os.path.join(output_dir, 'pipeline_root'),
      'metadata_path': os.path.join(output_dir, 'metadata.sqlite'),
      'serving_dir': os.path.join(output_dir, 'serving'),
      'tfds_data_dir': os.path.join(output_dir, 'tfds'),
      'run_lock': os.path.join(output_dir, '.run.lock'),
  }


def create_local_pipeline(output_dir: str,
                          environ: Mapping[str, str] = os.environ) -> tfx.dsl.Pipeline:
  """The pipeline writing under `output_dir` (output_paths), with the settings of `environ`:
  MNIST_DIR, TFDS_DATA_DIR, PIPELINE_NAME, the run knobs (run_knobs.py) and BEAM_*."""
  paths = output_paths(output_dir)
  return pipeline.create_pipeline(
      pipeline_name=environ.get('PIPELINE_NAME') or configs.PIPELINE_NAME,
      pipeline_root=paths['pipeline_root'],
      tfds_data_dir=environ.get('TFDS_DATA_DIR') or paths['tfds_data_dir'],
      schema_path=configs.SCHEMA_PATH,
      metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
          paths['metadata_path']),
      dataset=configs.DATASET,
      manual_dir=environ.get('MNIST_DIR') or None,
      beam_pipeline_args=beam_args.beam_args_from_env(environ),
      serving_dir=paths['serving_dir'],
      **run_knobs.knobs_from_env(environ),
  )
