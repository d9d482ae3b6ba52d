"""Compiles the pipeline for Kubeflow Pipelines V2 and Vertex AI Pipelines: a JSON file.

  PIPELINE_ROOT=gs://BUCKET/mnist-gan \
  PIPELINE_IMAGE=REGION-docker.pkg.dev/PROJECT/REPO/mnist-gan-tfx:0.1.0 \
      .venv/bin/python kubeflow_v2_runner.py

Nothing runs here: the file is submitted to Vertex AI (docs/operating.md), where every
component runs in PIPELINE_IMAGE (the Dockerfile: the TFX 1.16 image plus this project).

Environment:
  PIPELINE_ROOT   where artifacts go, a gs:// folder (required)
  PIPELINE_IMAGE  container image of every component (default mnist-gan-tfx:latest, the tag
                  of `docker build -t mnist-gan-tfx .`; Vertex needs a registry path)
  PIPELINE_NAME   default mnist-gan (Vertex allows lowercase letters, digits and hyphens)
  SERVING_DIR     where VersionedPusher publishes (default <PIPELINE_ROOT>/serving)
  TFDS_DATA_DIR   TFDS's data folder (default <PIPELINE_ROOT>/tfds)
  MNIST_DIR       folder with the dataset's original files (optional; else TFDS downloads)
  SCHEMA_PATH     the curated schema as the components see it (default: the image's copy)
  SPEC_FILE       the file written (default tfx_output/<PIPELINE_NAME>_pipeline.json here)
  BEAM_RUNNER, BEAM_...   Beam arguments, see pipeline/beam_args.py
  PRESET, TRAIN_STEPS, CLASSIFIER_TRAIN_STEPS, EVAL_SAMPLES, MAX_EXAMPLES, STOP_AFTER,
  WARM_START, GAN_CONFIG
                  as for local_runner.py (pipeline/run_knobs.py); INCOMING_DIR is refused
                  (the V2 compiler cannot take the union input it needs)
Every variable is checked before anything is compiled; a bad one stops with one message
naming each bad variable, its value and the allowed values (docs/operating.md, "Run knobs").
"""
import os
import re
import sys
from typing import Mapping

from absl import logging
from tfx import v1 as tfx

from pipeline import beam_args
from pipeline import configs
from pipeline import knob_errors
from pipeline import pipeline
from pipeline import run_knobs
from pipeline import run_settings
from pipeline.knob_errors import RunSettingsError, problem

DEFAULT_IMAGE = 'mnist-gan-tfx:latest'
DEFAULT_PIPELINE_NAME = configs.PIPELINE_NAME.replace('_', '-')
_VERTEX_NAME = re.compile(r'[a-z0-9][a-z0-9-]{0,127}')
# Where the Dockerfile puts this project. Paths into the repository (the curated schema)
# are read inside the container, so they must name the image's copy, not this machine's.
IMAGE_PROJECT_DIR = '/mnist_gan'
_REPO = os.path.dirname(os.path.abspath(__file__))


def _vertex_name(environ: Mapping[str, str]) -> str:
  name = environ.get('PIPELINE_NAME') or DEFAULT_PIPELINE_NAME
  if not _VERTEX_NAME.fullmatch(name):  # Vertex would reject the job only at submission
    raise RunSettingsError([problem('PIPELINE_NAME', name, 'Vertex AI allows lowercase '
                                    'letters, digits and hyphens, starting with a letter or '
                                    'digit, at most 128')])
  return name


def _vertex_knobs(environ: Mapping[str, str]) -> dict:
  knobs = run_knobs.knobs_from_env(environ)
  if knobs.get('incoming_dir'):
    # TFX 1.16's Kubeflow V2 step builder accepts one channel per input ("Only single
    # Channel is supported"); the GAN Trainer reads the union of TFDS and span Examples.
    raise RunSettingsError([problem(
        'INCOMING_DIR', environ.get('INCOMING_DIR'), 'unset: span ingest is not supported on '
        'Kubeflow V2 / Vertex AI with tfx 1.16 (its compiler rejects the union of Examples '
        'channels the GAN Trainer reads); run spans with the local or Airflow runner')])
  return knobs


def create_vertex_pipeline(environ: Mapping[str, str]) -> tfx.dsl.Pipeline:
  """The pipeline with GCS paths from `environ`. Vertex AI keeps ML Metadata itself.

  Raises one RunSettingsError naming every bad variable before anything is compiled.
  Folders are only checked to be URLs: the containers read them, not this machine.
  """
  settings = knob_errors.gather(
      root=lambda: run_settings.remote_folder(environ, 'PIPELINE_ROOT'),
      name=lambda: _vertex_name(environ),
      # Read by compile_pipeline; checked here with the others.
      image=lambda: run_settings.image(environ, 'PIPELINE_IMAGE', DEFAULT_IMAGE),
      serving_dir=lambda: environ.get('SERVING_DIR') and run_settings.remote_folder(
          environ, 'SERVING_DIR'),
      knobs=lambda: _vertex_knobs(environ),
      beam_pipeline_args=lambda: beam_args.beam_args_from_env(environ),
  )
  root = settings['root']
  return pipeline.create_pipeline(
      pipeline_name=settings['name'],
      pipeline_root=root,
      tfds_data_dir=environ.get('TFDS_DATA_DIR') or f'{root}/tfds',
      schema_path=environ.get('SCHEMA_PATH') or os.path.join(
          IMAGE_PROJECT_DIR, os.path.relpath(configs.SCHEMA_PATH, _REPO)),
      serving_dir=settings['serving_dir'] or f'{root}/serving',
      dataset=configs.DATASET,
      manual_dir=environ.get('MNIST_DIR') or None,
      beam_pipeline_args=settings['beam_pipeline_args'],
      **settings['knobs'])


def compile_pipeline(environ: Mapping[str, str], spec_file: str) -> dict:
  """Writes the pipeline job JSON for `environ` to `spec_file` and returns it."""
  vertex_pipeline = create_vertex_pipeline(environ)
  runner = tfx.orchestration.experimental.KubeflowV2DagRunner(
      config=tfx.orchestration.experimental.KubeflowV2DagRunnerConfig(
          default_image=environ.get('PIPELINE_IMAGE') or DEFAULT_IMAGE),
      output_dir=os.path.dirname(os.path.abspath(spec_file)),
      output_filename=os.path.basename(spec_file))
  return runner.run(vertex_pipeline)


def main():
  name = os.environ.get('PIPELINE_NAME') or DEFAULT_PIPELINE_NAME
  spec_file = os.environ.get('SPEC_FILE') or os.path.join(
      _REPO, 'tfx_output', f'{name}_pipeline.json')
  try:
    compile_pipeline(os.environ, spec_file)
  except RunSettingsError as error:  # names every bad variable; a traceback would bury it
    sys.exit(str(error))
  logging.info('Wrote %s', spec_file)


if __name__ == '__main__':
  logging.set_verbosity(logging.INFO)
  main()
