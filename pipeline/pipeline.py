"""Wires the components of the MNIST GAN pipeline; nothing else lives here."""
from typing import List, Optional

from ml_metadata.proto import metadata_store_pb2
from tfx import v1 as tfx
from tfx.dsl.components.base import base_node

from components.anomaly_gate import AnomalyGate
from components.tfds_example_gen import TfdsExampleGen


def validation_components(examples: tfx.dsl.Channel, schema_path: str) -> List[base_node.BaseNode]:
  """Statistics, schemas and validation of `examples`; the last one stops a bad run.

  ExampleValidator checks against the curated schema in the repo; SchemaGen's inferred
  schema is produced too, so a changed dataset can be diffed against the curated one.
  """
  curated_schema_gen = tfx.components.ImportSchemaGen(
      schema_file=schema_path).with_id('CuratedSchemaGen')
  # With the schema, statistics treat the label as categorical and count its values.
  statistics_gen = tfx.components.StatisticsGen(
      examples=examples, schema=curated_schema_gen.outputs['schema'])
  inferred_schema_gen = tfx.components.SchemaGen(
      statistics=statistics_gen.outputs['statistics'], infer_feature_shape=True)
  example_validator = tfx.components.ExampleValidator(
      statistics=statistics_gen.outputs['statistics'],
      schema=curated_schema_gen.outputs['schema'])
  anomaly_gate = AnomalyGate(anomalies=example_validator.outputs['anomalies'])
  return [curated_schema_gen, statistics_gen, inferred_schema_gen, example_validator,
          anomaly_gate]


def create_pipeline(
    pipeline_name: str,
    pipeline_root: str,
    tfds_data_dir: str,
    schema_path: str,
    metadata_connection_config: Optional[metadata_store_pb2.ConnectionConfig] = None,
    dataset: str = 'mnist',
    manual_dir: Optional[str] = None,
    max_examples_per_split: Optional[int] = None,
    beam_pipeline_args: Optional[List[str]] = None,
    enable_cache: bool = True,
) -> tfx.dsl.Pipeline:
  """Returns the MNIST GAN pipeline: ingest and validation so far."""
  example_gen = TfdsExampleGen(
      data_dir=tfds_data_dir, dataset=dataset, manual_dir=manual_dir,
      max_examples_per_split=max_examples_per_split)
  components = [example_gen]
  components += validation_components(example_gen.outputs['examples'], schema_path)
  return tfx.dsl.Pipeline(
      pipeline_name=pipeline_name,
      pipeline_root=pipeline_root,
      components=components,
      enable_cache=enable_cache,
      metadata_connection_config=metadata_connection_config,
      beam_pipeline_args=beam_pipeline_args,
  )
