"""formats.examples is the layout every producer and consumer of the Examples agrees on:
the curated schema, the codec, the Trainers' parser and the eval examples' schema."""
import os

from google.protobuf import text_format
import numpy as np
from tensorflow_metadata.proto.v0 import schema_pb2

from formats import examples

_SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'pipeline', 'schema', 'schema.pbtxt')


def test_the_curated_schema_checks_the_layout():
  with open(_SCHEMA) as f:
    schema = text_format.Parse(f.read(), schema_pb2.Schema())
  features = {feature.name: feature for feature in schema.feature}
  assert sorted(features) == sorted(examples.INT_FEATURES)
  for name, size in examples.INT_FEATURES.items():
    assert features[name].type == schema_pb2.INT, name
    assert (features[name].value_count.min, features[name].value_count.max) == (size, size), name
  image = features[examples.IMAGE_FEATURE].int_domain
  assert (image.min, image.max) == (examples.PIXEL_MIN, examples.PIXEL_MAX)
  label = features[examples.LABEL_FEATURE].int_domain
  assert (label.min, label.max) == (0, examples.NUM_CLASSES - 1)


def test_the_codec_writes_the_layout_and_reads_it_back():
  from components.tfds_example_gen import example_codec  # pylint: disable=g-import-not-at-top
  image = np.arange(examples.IMAGE_SIZE, dtype=np.int64).reshape(examples.IMAGE_SHAPE) % 256
  example = example_codec.encode(image.astype(np.uint8), 7)
  stored = example.features.feature
  assert {name: len(stored[name].int64_list.value) for name in stored} == examples.INT_FEATURES
  decoded, label = example_codec.decode(example.SerializeToString())
  assert decoded.shape == examples.IMAGE_SHAPE and label == 7
  np.testing.assert_array_equal(decoded, image)


def test_the_trainers_parse_what_the_codec_writes_as_to_unit_images_reads_it():
  # The TF decoding of models/data.py and the numpy one of the metrics agree exactly.
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from components.tfds_example_gen import example_codec  # pylint: disable=g-import-not-at-top
  from models import data  # pylint: disable=g-import-not-at-top
  rng = np.random.default_rng(0)
  images = rng.integers(0, 256, size=(3,) + examples.IMAGE_SHAPE, dtype=np.uint8)
  serialized = [example_codec.encode(image, i).SerializeToString()
                for i, image in enumerate(images)]
  parsed = tf.io.parse_example(serialized, data.FEATURE_SPEC)
  unit, labels = data.to_images_labels(parsed[examples.IMAGE_FEATURE],
                                       parsed[examples.LABEL_FEATURE])
  assert unit.shape == (3,) + examples.MODEL_IMAGE_SHAPE
  np.testing.assert_array_equal(unit.numpy(), examples.to_unit_images(images))
  np.testing.assert_array_equal(labels.numpy(), [0, 1, 2])
  assert float(examples.to_unit_images(images).max()) <= 1.0


def test_the_eval_examples_schema_is_the_layout_plus_the_noise():
  from components.sample_quality import eval_examples  # pylint: disable=g-import-not-at-top
  schema = eval_examples.eval_schema(noise_dim=64, baseline_noise_dim=100)
  sizes = {feature.name: feature.shape.dim[0].size for feature in schema.feature}
  assert sizes == {**examples.INT_FEATURES, examples.NOISE_FEATURE: 64,
                   examples.BASELINE_NOISE_FEATURE: 100}
