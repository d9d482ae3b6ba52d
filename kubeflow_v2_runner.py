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
  WARM_START, GAN_CONFIG, MODEL_AUTHOR, MODEL_LICENSE
                  as for local_runner.py (pipeline/run_knobs.py); INCOMING_DIR is refused
                  (the V2 compiler cannot take the union input it needs)
  TRAINER_ACCELERATOR, TRAINER_CPU, TRAINER_MEMORY, TRAINER_IMAGE
                  the GAN Trainer's GPU (e.g. NVIDIA_L4:1), CPU and memory limits, and its
                  image (default with a GPU: PIPELINE_IMAGE's tag plus -gpu, Dockerfile.gpu);
                  on that step only (pipeline/trainer_machine.py)
Every variable is checked before anything is compiled; a bad one stops with one message
naming each bad variable, its value and the allowed values (docs/operating.md, "Run knobs").
"""
import os
import re
import sys
from typing import Mapping, Optional, Tuple, Union

from absl import logging
from kfp.pipeline_spec import pipeline_spec_pb2
from tfx import v1 as tfx
from tfx.orchestration.kubeflow.v2 import pipeline_builder

from models.config import TrainConfig
from pipeline import beam_args
from pipeline import configs
from pipeline import knob_errors
from pipeline import pipeline
from pipeline import run_knobs
from pipeline import run_settings
from pipeline import trainer_machine
from pipeline.knob_errors import RunSettingsError, problem

DEFAULT_IMAGE = 'mnist-gan-tfx:latest'
DEFAULT_PIPELINE_NAME = configs.PIPELINE_NAME.replace('_', '-')
_VERTEX_NAME = re.compile(r'[a-z0-9][a-z0-9-]{0,127}')
# Where the Dockerfile puts this project. Paths into the repository (the curated schema)
# are read inside the container, so they must name the image's copy, not this machine's.
IMAGE_PROJECT_DIR = '/mnist_gan'
_REPO = os.path.dirname(os.path.abspath(__file__))
# The GAN Trainer's node id: tfx.components.Trainer's default, which create_pipeline leaves
# to it (the classifier's Trainer is 'ClassifierTrainer').
GAN_TRAINER_ID = 'Trainer'
_ResourceSpec = pipeline_spec_pb2.PipelineDeploymentConfig.PipelineContainerSpec.ResourceSpec


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


def _pipeline_image(environ: Mapping[str, str]) -> Optional[str]:
  """PIPELINE_IMAGE as the GAN Trainer's machine sees it: None when bad (reported then by
  the PIPELINE_IMAGE check, once)."""
  try:
    return run_settings.image(environ, 'PIPELINE_IMAGE', DEFAULT_IMAGE)
  except RunSettingsError:
    return None


def resource_spec(machine: trainer_machine.TrainerMachine) -> _ResourceSpec:
  """The pipeline spec's resources for `machine`: Vertex AI picks the step's machine by them."""
  spec = _ResourceSpec()
  if machine.cpu_limit:
    spec.cpu_limit = machine.cpu_limit
  if machine.memory_limit:
    spec.memory_limit = machine.memory_limit
  if machine.accelerator_type:
    spec.accelerator.type = machine.accelerator_type
    spec.accelerator.count = machine.accelerator_count
  return spec


def _on_gan_trainer(vertex_pipeline: tfx.dsl.Pipeline, environ: Mapping[str, str],
                    machine: trainer_machine.TrainerMachine) -> None:
  """Gives the GAN Trainer `machine`'s resources (TFX's per-node platform config, which the
  V2 step builder copies into that step's container spec only)."""
  trainers = [c for c in vertex_pipeline.components if c.id == GAN_TRAINER_ID]
  if not trainers:  # STOP_AFTER=validation: the setting would silently do nothing
    raise RunSettingsError([
        problem(variable, environ[variable], 'unset: this pipeline has no GAN Trainer '
                f'(STOP_AFTER={environ.get("STOP_AFTER")!r})')
        for variable in trainer_machine.VARIABLES if environ.get(variable)])
  [trainer] = trainers
  trainer.with_platform_config(resource_spec(machine))


def _check_batch_split(machine: Optional[trainer_machine.TrainerMachine],
                       environ: Mapping[str, str], knobs: dict) -> None:
  """Several GPUs train under MirroredStrategy (make_strategy, models/loop.py), which splits
  the global batch evenly: refuse a count that does not divide it now, not after ingest on
  Vertex."""
  if not machine or machine.accelerator_count < 2:
    return
  config = TrainConfig.from_custom_config({'preset': knobs['preset'],
                                           **(knobs['gan_config'] or {})})
  batch_size = config.effective_preset().batch_size
  if batch_size % machine.accelerator_count:
    raise RunSettingsError([problem(
        trainer_machine.ACCELERATOR, environ[trainer_machine.ACCELERATOR],
        f'a GPU count that divides the global batch_size {batch_size} (preset '
        f'{knobs["preset"]!r} with GAN_CONFIG): the GPUs share each batch evenly')])


def _vertex_pipeline_and_images(
    environ: Mapping[str, str]) -> Tuple[tfx.dsl.Pipeline, Union[str, dict]]:
  """The pipeline with GCS paths from `environ`, and the images of its steps: one image,
  or {GAN_TRAINER_ID: the Trainer's, DEFAULT_IMAGE_PATH_KEY: every other step's}."""
  settings = knob_errors.gather(
      root=lambda: run_settings.remote_folder(environ, 'PIPELINE_ROOT'),
      name=lambda: _vertex_name(environ),
      image=lambda: run_settings.image(environ, 'PIPELINE_IMAGE', DEFAULT_IMAGE),
      machine=lambda: trainer_machine.trainer_machine(environ, _pipeline_image(environ)),
      serving_dir=lambda: environ.get('SERVING_DIR') and run_settings.remote_folder(
          environ, 'SERVING_DIR'),
      knobs=lambda: _vertex_knobs(environ),
      beam_pipeline_args=lambda: beam_args.beam_args_from_env(environ),
  )
  _check_batch_split(settings['machine'], environ, settings['knobs'])
  root = settings['root']
  vertex_pipeline = pipeline.create_pipeline(
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
  images = settings['image']
  machine = settings['machine']
  if machine:
    _on_gan_trainer(vertex_pipeline, environ, machine)
    if machine.image:
      # TFX 1.16 then logs "DEFAULT_IMAGE_PATH_KEY is not found in default_image." although
      # it is (its check is inverted); every other step gets that key's image.
      images = {GAN_TRAINER_ID: machine.image,
                pipeline_builder.DEFAULT_IMAGE_PATH_KEY: settings['image']}
  return vertex_pipeline, images


def create_vertex_pipeline(environ: Mapping[str, str]) -> tfx.dsl.Pipeline:
  """The pipeline with GCS paths from `environ`. Vertex AI keeps ML Metadata itself.

  Raises one RunSettingsError naming every bad variable before anything is compiled.
  Folders are only checked to be URLs: the containers read them, not this machine.
  """
  return _vertex_pipeline_and_images(environ)[0]


def compile_pipeline(environ: Mapping[str, str], spec_file: str) -> dict:
  """Writes the pipeline job JSON for `environ` to `spec_file` and returns it."""
  vertex_pipeline, images = _vertex_pipeline_and_images(environ)
  runner = tfx.orchestration.experimental.KubeflowV2DagRunner(
      config=tfx.orchestration.experimental.KubeflowV2DagRunnerConfig(default_image=images),
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
