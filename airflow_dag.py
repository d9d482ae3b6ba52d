"""The pipeline as an Airflow DAG (TFX's AirflowDagRunner), run on SCHEDULE_INTERVAL.

Put this file (or a symlink to it) in Airflow's dags folder; Airflow's Python needs this
project and the `airflow` extra installed (docs/operating.md, for why that cannot be
the project's pinned venv). Each component becomes an Airflow task.

Environment (read when Airflow parses the file):
  TFX_OUTPUT_DIR  output folder (default tfx_output/airflow in this repository). Separate
                  from local_runner.py's folder by default: Airflow's runs are not covered
                  by its run lock, and two runs must never share ML Metadata or the serving dir.
  MNIST_DIR, TFDS_DATA_DIR, PIPELINE_NAME, the run knobs (pipeline/run_knobs.py) and
  BEAM_RUNNER (pipeline/beam_args.py) as for local_runner.py.
"""
import datetime
import importlib.util
import os
from typing import Mapping

from tfx import v1 as tfx

from pipeline import local_pipeline

SCHEDULE_INTERVAL = '@daily'
AIRFLOW_DAG_CONFIG = {
    'schedule_interval': SCHEDULE_INTERVAL,
    'start_date': datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    # One run at a time, and no backfill of the days before the DAG was switched on: each
    # run trains on the current data, so missed days need no run of their own.
    'max_active_runs': 1,
    'catchup': False,
}
_REPO = os.path.dirname(os.path.realpath(__file__))  # realpath: the dags folder may symlink


def create_airflow_pipeline(environ: Mapping[str, str] = os.environ) -> tfx.dsl.Pipeline:
  """The pipeline with local paths under TFX_OUTPUT_DIR, as Airflow runs it."""
  output_dir = os.path.abspath(
      environ.get('TFX_OUTPUT_DIR') or os.path.join(_REPO, 'tfx_output', 'airflow'))
  return local_pipeline.create_local_pipeline(output_dir, environ)


# Airflow finds DAGs as module-level objects. Without Airflow (tests, the project venv) the
# file only defines the pipeline above.
if importlib.util.find_spec('airflow') is not None:
  from tfx.orchestration.airflow import airflow_dag_runner  # pylint: disable=g-import-not-at-top
  DAG = airflow_dag_runner.AirflowDagRunner(
      airflow_dag_runner.AirflowPipelineConfig(AIRFLOW_DAG_CONFIG)).run(create_airflow_pipeline())
