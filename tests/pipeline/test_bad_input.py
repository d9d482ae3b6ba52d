"""Bad input stops the run with a message naming the file or the anomaly."""
import glob
import os

import pytest
import tensorflow as tf
from tfx import v1 as tfx

from components.tfds_example_gen import example_codec
from pipeline import configs
from pipeline import pipeline as pipeline_lib
from tests.support import pipelines


@pytest.mark.parametrize('damage, message', [
    ('truncate', r'train-labels-idx1-ubyte\.gz: truncated or corrupt'),
    ('delete', r'train-labels-idx1-ubyte\.gz: missing'),
])
def test_damaged_source_fails_and_publishes_nothing(tmp_path, mnist_copy, damage, message):
  path = os.path.join(mnist_copy, 'train-labels-idx1-ubyte.gz')
  if damage == 'truncate':
    with open(path, 'r+b') as f:
      f.truncate(1000)
  else:
    os.remove(path)
  paths = pipelines.Paths(tmp_path / 'out')
  # A fresh TFDS dir: nothing prepared, so only the damaged files could feed it.
  with pytest.raises(Exception, match=message):
    pipelines.run(pipelines.ingest_pipeline(paths, str(tmp_path / 'tfds'), mnist_copy))
  assert pipelines.live_artifacts(paths, 'Examples') == []
  # TFX removes the failed execution's output folder: no half-written split is left.
  assert glob.glob(os.path.join(paths.pipeline_root, 'TfdsExampleGen', 'examples', '*')) == []
  assert pipelines.live_artifacts(paths, 'ExampleStatistics') == []


def _write_examples(folder, examples):
  os.makedirs(folder)
  with tf.io.TFRecordWriter(os.path.join(folder, 'data.tfrecord.gz'), 'GZIP') as writer:
    for example in examples:
      writer.write(example.SerializeToString())


@tfx.dsl.components.component
def _Downstream(marker: tfx.dsl.components.Parameter[str]) -> None:
  """Stands for the trainer: records that it ran."""
  open(marker, 'w').close()


def test_anomalies_stop_the_run_before_downstream(tmp_path):
  import numpy as np
  good = [example_codec.encode(np.full((28, 28), i * 20, np.uint8), i) for i in range(10)]
  bad_label = example_codec.encode(np.zeros((28, 28), np.uint8), 12)
  wrong_size = example_codec.encode(np.zeros((20, 35), np.uint8), 3)  # 700 pixels
  _write_examples(str(tmp_path / 'data' / 'train'), good + [bad_label, wrong_size])
  _write_examples(str(tmp_path / 'data' / 'eval'), good)
  paths = pipelines.Paths(tmp_path / 'out')
  marker = str(tmp_path / 'downstream_ran')

  example_gen = tfx.components.ImportExampleGen(
      input_base=str(tmp_path / 'data'),
      input_config=tfx.proto.Input(splits=[
          tfx.proto.Input.Split(name='train', pattern='train/*'),
          tfx.proto.Input.Split(name='eval', pattern='eval/*'),
      ]))
  validation = pipeline_lib.validation_components(
      example_gen.outputs['examples'], configs.SCHEMA_PATH)
  downstream = _Downstream(marker=marker)
  downstream.add_upstream_node(validation[-1])
  pipeline = tfx.dsl.Pipeline(
      pipeline_name='test_anomalies', pipeline_root=paths.pipeline_root,
      components=[example_gen, *validation, downstream],
      metadata_connection_config=paths.connection_config())

  with pytest.raises(Exception) as raised:
    pipelines.run(pipeline)
  message = str(raised.value)
  assert "split 'train', feature 'label'" in message
  assert "split 'train', feature 'image'" in message
  assert "split 'eval'" not in message
  assert not os.path.exists(marker)
