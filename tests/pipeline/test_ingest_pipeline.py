"""The ingest + validation pipeline on real MNIST, through LocalDagRunner."""
import collections
import os

import pytest
import tensorflow_data_validation as tfdv
from tfx.types import artifact_utils
from tfx.types import standard_artifacts

from components.anomaly_gate import describe_anomalies
from components.tfds_example_gen import example_codec
from formats.examples import IMAGE_FEATURE, IMAGE_SIZE, LABEL_FEATURE, NUM_CLASSES
from tests.support import idx
from tests.support import pipelines

_CAP = 1500


@pytest.fixture(scope='module')
def ingest_run(tmp_path_factory, tfds_data_dir, mnist_dir):
  paths = pipelines.Paths(tmp_path_factory.mktemp('ingest'))
  pipelines.run(pipelines.ingest_pipeline(paths, tfds_data_dir, mnist_dir,
                                          max_examples_per_split=_CAP))
  return paths


def _examples_artifact(paths):
  [examples] = pipelines.live_artifacts(paths, 'Examples')
  return examples


def test_examples_artifact_properties(ingest_run):
  examples = _examples_artifact(ingest_run)
  assert artifact_utils.decode_split_names(
      examples.properties['split_names'].string_value) == ['train', 'eval']
  assert examples.custom_properties['span'].int_value == 0
  assert examples.custom_properties['payload_format'].string_value == 'FORMAT_TF_EXAMPLE'


@pytest.mark.parametrize('split, tfds_split', [('train', 'train'), ('eval', 'test')])
def test_examples_round_trip_to_idx_files(ingest_run, mnist_dir, split, tfds_split):
  records = pipelines.read_split(_examples_artifact(ingest_run).uri, split)
  assert len(records) == _CAP
  # TFDS stores MNIST in its own shuffled order, so match each example by its pixels.
  images, labels = idx.read_split(mnist_dir, tfds_split)
  labels_by_image = collections.defaultdict(set)
  for image, label in zip(images, labels):
    labels_by_image[image.tobytes()].add(int(label))
  seen = set()
  for record in records:
    image, label = example_codec.decode(record)
    assert label in labels_by_image[image.tobytes()], 'example not in the IDX files'
    seen.add(image.tobytes())
  assert len(seen) > 0.99 * _CAP  # distinct examples, not one repeated


def test_statistics_show_ten_labels(ingest_run):
  [stats] = pipelines.live_artifacts(ingest_run, 'ExampleStatistics')
  for split in ('train', 'eval'):
    statistics = tfdv.load_stats_binary(
        os.path.join(stats.uri, f'Split-{split}', 'FeatureStats.pb'))
    dataset = statistics.datasets[0]
    assert dataset.num_examples == _CAP
    [label] = [f for f in dataset.features if f.path.step == [LABEL_FEATURE]]
    assert label.string_stats.unique == NUM_CLASSES
    [image] = [f for f in dataset.features if f.path.step == [IMAGE_FEATURE]]
    assert image.num_stats.common_stats.min_num_values == IMAGE_SIZE
    assert image.num_stats.common_stats.max_num_values == IMAGE_SIZE


def test_validation_passed_on_real_data(ingest_run):
  [mlmd_anomalies] = pipelines.live_artifacts(ingest_run, 'ExampleAnomalies')
  anomalies = standard_artifacts.ExampleAnomalies()
  anomalies.set_mlmd_artifact(mlmd_anomalies)
  assert describe_anomalies(anomalies) == []
