"""Executor of TfdsExampleGen: prepares the TFDS dataset once, then converts each split.

The TFDS preparation (download or manual files -> TFDS's own TFRecords) runs in the
executor; reading and converting the splits runs in Beam through tfds.beam.ReadFromTFDS, so
it scales out with the pipeline's Beam runner.
"""
from typing import Any, Dict

from absl import logging
import apache_beam as beam
import tensorflow as tf
import tensorflow_datasets as tfds
from tfx.components.example_gen import base_example_gen_executor

from components.tfds_example_gen import example_codec
from components.tfds_example_gen import source_files
from formats import examples

DATASET_KEY = 'dataset'
DATA_DIR_KEY = 'data_dir'
MANUAL_DIR_KEY = 'manual_dir'
MAX_EXAMPLES_KEY = 'max_examples_per_split'
_BUILDER_KEY = '_tfds_builder'  # in-memory hand-off from GenerateExamplesByBeam
_LOG_EVERY = 10_000


def prepare_builder(dataset: str, data_dir: str, manual_dir: str = None):
  """Returns a TFDS builder whose data is prepared in `data_dir`.

  With `manual_dir` the original files are checked and read from there, never the
  network; without it TFDS downloads them. TFDS's prepared copies on GCS are not used, so
  both paths build the dataset from the same original files.
  """
  builder = tfds.builder(dataset, data_dir=data_dir, try_gcs=False)
  if manual_dir:
    checked = source_files.verify_manual_dir(builder, manual_dir)
    logging.info('Verified %d source files of %r in %s.', len(checked), dataset, manual_dir)
  logging.info('Preparing %r in %s.', dataset, data_dir)
  builder.download_and_prepare(download_config=tfds.download.DownloadConfig(
      manual_dir=manual_dir or None, try_download_gcs=False))
  logging.info('%r ready: %s', dataset, {k: v.num_examples for k, v in builder.info.splits.items()})
  return builder


class _ToExample(beam.DoFn):
  """Converts decoded TFDS examples to our tf.Example layout, logging progress."""

  def __init__(self, split: str):
    self._split = split
    self._counter = beam.metrics.Metrics.counter('tfds_example_gen', f'examples_{split}')

  def setup(self):
    self._seen = 0

  def process(self, element: Dict[str, Any]):
    image, label = element['image'], element['label']  # TFDS's feature names for mnist
    if image.shape[:2] != examples.IMAGE_SHAPE:
      raise ValueError(f'TFDS split {self._split!r}: image of shape {image.shape}, '
                       f'expected {examples.IMAGE_SHAPE}')
    self._counter.inc()
    self._seen += 1
    if self._seen % _LOG_EVERY == 0:
      logging.info('TFDS split %r: %d examples converted by this worker.', self._split, self._seen)
    yield example_codec.encode(image, label)


@beam.ptransform_fn
@beam.typehints.with_input_types(beam.Pipeline)
@beam.typehints.with_output_types(tf.train.Example)
def _TfdsToExample(pipeline: beam.Pipeline, exec_properties: Dict[str, Any],
                   split_pattern: str) -> beam.pvalue.PCollection:
  """Reads one TFDS split (optionally only its first N examples) as tf.Examples."""
  max_examples = exec_properties.get(MAX_EXAMPLES_KEY)
  split = f'{split_pattern}[:{max_examples}]' if max_examples else split_pattern
  return (pipeline
          | 'ReadFromTFDS' >> tfds.beam.ReadFromTFDS(exec_properties[_BUILDER_KEY], split=split)
          | 'ToNumpy' >> beam.Map(tfds.as_numpy)
          | 'ToExample' >> beam.ParDo(_ToExample(split)))


class Executor(base_example_gen_executor.BaseExampleGenExecutor):
  """Generic ExampleGen executor reading from tensorflow-datasets."""

  def GenerateExamplesByBeam(self, pipeline, exec_properties):
    tfds.disable_progress_bar()  # progress goes to the log instead of tqdm bars
    exec_properties[_BUILDER_KEY] = prepare_builder(
        exec_properties[DATASET_KEY], exec_properties[DATA_DIR_KEY],
        exec_properties.get(MANUAL_DIR_KEY))
    return super().GenerateExamplesByBeam(pipeline, exec_properties)

  def GetInputSourceToExamplePTransform(self) -> beam.PTransform:
    return _TfdsToExample
