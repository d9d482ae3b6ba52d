"""Executor of SpanExampleGen: the resolved span folder -> tf.Examples.

TFX's FileBasedDriver has already picked the latest span and rewritten `{SPAN}` in the
split pattern (e.g. `span-2/*`); hash-partitioning into train/eval and writing the gzip
TFRecords is BaseExampleGenExecutor's. Only reading the files is ours.
"""
import os
from typing import Any, Dict

from absl import logging
import apache_beam as beam
import tensorflow as tf
from tfx.components.example_gen import base_example_gen_executor
from tfx.types import standard_component_specs

from components.span_example_gen import span_files
from components.tfds_example_gen import example_codec


@beam.ptransform_fn
@beam.typehints.with_input_types(beam.Pipeline)
@beam.typehints.with_output_types(tf.train.Example)
def _SpanToExample(pipeline: beam.Pipeline, exec_properties: Dict[str, Any],
                   split_pattern: str) -> beam.pvalue.PCollection:
  """Reads every IDX pair and PNG folder of the span as tf.Examples."""
  pattern = os.path.join(exec_properties[standard_component_specs.INPUT_BASE_KEY], split_pattern)
  # Listed and paired here, before Beam starts, so an unpaired or unknown file fails at once.
  sources = span_files.find_sources(pattern)
  logging.info('Span sources in %s: %s', pattern, [s.paths for s in sources])
  return (pipeline
          | 'ListSources' >> beam.Create(sources)
          | 'Read' >> beam.FlatMap(span_files.read_source)
          | 'ToExample' >> beam.MapTuple(example_codec.encode))


class Executor(base_example_gen_executor.BaseExampleGenExecutor):
  """ExampleGen executor reading a span of labelled 28x28 digit files."""

  def GetInputSourceToExamplePTransform(self) -> beam.PTransform:
    return _SpanToExample
