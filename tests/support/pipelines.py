"""Builds and inspects small pipelines in a temporary folder."""
import glob
import os

from ml_metadata import metadata_store
from tfx import v1 as tfx
import tensorflow as tf

from pipeline import configs
from pipeline import pipeline as pipeline_lib


class Paths:
  """The output layout of one test pipeline."""

  def __init__(self, root):
    self.root = str(root)
    self.pipeline_root = os.path.join(self.root, 'pipeline_root')
    self.metadata_path = os.path.join(self.root, 'metadata.sqlite')
    self.serving_dir = os.path.join(self.root, 'serving')

  def connection_config(self):
    return tfx.orchestration.metadata.sqlite_metadata_connection_config(self.metadata_path)


def ingest_pipeline(paths: Paths, tfds_data_dir: str, manual_dir: str,
                    max_examples_per_split=None, name='test_ingest') -> tfx.dsl.Pipeline:
  return pipeline_lib.create_pipeline(
      pipeline_name=name, pipeline_root=paths.pipeline_root, tfds_data_dir=tfds_data_dir,
      schema_path=configs.SCHEMA_PATH, serving_dir=paths.serving_dir,
      metadata_connection_config=paths.connection_config(),
      manual_dir=manual_dir, max_examples_per_split=max_examples_per_split,
      beam_pipeline_args=configs.BEAM_PIPELINE_ARGS, stop_after='validation')


def run(pipeline: tfx.dsl.Pipeline) -> None:
  tfx.orchestration.LocalDagRunner().run(pipeline)


def live_artifacts(paths: Paths, type_name: str) -> list:
  """Artifacts of `type_name` that were published (state LIVE) in the test's MLMD."""
  store = metadata_store.MetadataStore(paths.connection_config())
  return [a for a in store.get_artifacts_by_type(type_name) if a.state == a.LIVE]


def read_split(examples_uri: str, split: str) -> list:
  """All serialized records of one split of an Examples artifact."""
  files = sorted(glob.glob(os.path.join(examples_uri, f'Split-{split}', '*.gz')))
  assert files, f'no files for split {split} under {examples_uri}'
  return [r.numpy() for r in tf.data.TFRecordDataset(files, compression_type='GZIP')]


def input_ids(paths: Paths, artifact_id: int, key: str) -> list:
  """Sorted ids of the artifacts that the execution which produced `artifact_id` read
  under input `key`. A cache hit outputs the same artifact again; the first producer counts."""
  store = metadata_store.MetadataStore(paths.connection_config())
  producer = min(e.execution_id for e in store.get_events_by_artifact_ids([artifact_id])
                 if e.type == e.OUTPUT)
  return sorted(e.artifact_id for e in store.get_events_by_execution_ids([producer])
                if e.type == e.INPUT and e.path.steps[0].key == key)
