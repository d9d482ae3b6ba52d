"""Runs the pipeline on the local orchestrator; `tfx pipeline create` loads this file.

Paths come from the environment (the Makefile sets them):
  TFX_OUTPUT_DIR  everything the pipeline writes (default ./tfx_output next to this file)
  MNIST_DIR       folder with the dataset's original files for offline runs (optional)
  TFDS_DATA_DIR   TFDS's data folder, to reuse an existing one (default <output>/tfds)
  MAX_EXAMPLES    keep only the first N examples of each split (optional)
  PIPELINE_NAME   defaults to configs.PIPELINE_NAME
  PRESET, TRAIN_STEPS, CLASSIFIER_TRAIN_STEPS, EVAL_SAMPLES
                  override the configs.py values of the same name
  STOP_AFTER      'validation' or 'training' runs only the first stages
"""
import os

from absl import logging
from tfx import v1 as tfx

from pipeline import configs
from pipeline import pipeline


def output_paths(output_dir: str) -> dict:
  """The layout under the output folder."""
  return {
      'pipeline_root': os.path.join(output_dir, 'pipeline_root'),
      'metadata_path': os.path.join(output_dir, 'metadata.sqlite'),
      'serving_dir': os.path.join(output_dir, 'serving'),
      'tfds_data_dir': os.path.join(output_dir, 'tfds'),
  }


def _env_int(name, default):
  value = os.environ.get(name)
  return int(value) if value else default


def main():
  output_dir = os.path.abspath(os.environ.get('TFX_OUTPUT_DIR') or os.path.join(
      os.path.dirname(os.path.abspath(__file__)), 'tfx_output'))
  paths = output_paths(output_dir)
  max_examples = os.environ.get('MAX_EXAMPLES')
  tfx.orchestration.LocalDagRunner().run(pipeline.create_pipeline(
      pipeline_name=os.environ.get('PIPELINE_NAME') or configs.PIPELINE_NAME,
      pipeline_root=paths['pipeline_root'],
      tfds_data_dir=os.environ.get('TFDS_DATA_DIR') or paths['tfds_data_dir'],
      schema_path=configs.SCHEMA_PATH,
      metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
          paths['metadata_path']),
      dataset=configs.DATASET,
      manual_dir=os.environ.get('MNIST_DIR') or None,
      max_examples_per_split=int(max_examples) if max_examples else None,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS,
      serving_dir=paths['serving_dir'],
      preset=os.environ.get('PRESET') or configs.PRESET,
      train_steps=_env_int('TRAIN_STEPS', configs.TRAIN_STEPS),
      classifier_train_steps=_env_int('CLASSIFIER_TRAIN_STEPS', configs.CLASSIFIER_TRAIN_STEPS),
      eval_samples=_env_int('EVAL_SAMPLES', configs.EVAL_SAMPLES),
      stop_after=os.environ.get('STOP_AFTER') or None,
  ))


if __name__ == '__main__':
  logging.set_verbosity(logging.INFO)
  main()
