"""GeneratorEvalExamples: the eval split plus the generator inputs each example asks for.

TFMA evaluates a model by feeding it features by name. Writing the generator's `noise`
(seeded, in the distribution the trained preset declares in generator_spec.json) next to
each real `image` and requested `label` lets the SavedModel and every TFLite variant be
evaluated on identical inputs. The feature names and sizes are formats/examples.py's.

A baseline model (the last pushed release) may be of another preset, with noise of another
size and distribution: it gets its own noise, `baseline_noise`, drawn from its own
generator_spec.json with the same seed (so the same preset gets exactly the candidate's
noise), and baseline_model.py feeds that feature to the baseline's `noise` input.

Every file access goes through TensorFlow's filesystems (tf.io.gfile, TFRecord I/O), so the
artifact URIs may be gs:// paths (Kubeflow V2 / Vertex AI).
"""
import os
from typing import Optional

import tensorflow as tf
from tfx import v1 as tfx
from tfx.types import artifact_utils
from tfx.utils import io_utils
from tfx.utils import path_utils
from tensorflow_metadata.proto.v0 import schema_pb2

from components.tflite_export import generator_inputs
from formats import examples as example_layout  # `examples` is the component's input

_Model = tfx.types.standard_artifacts.Model


def model_spec(model_uri: str) -> dict:
  """The checked generator_spec.json of the generator Model at `model_uri` (errors name the
  file)."""
  return generator_inputs.read_spec(path_utils.serving_model_path(model_uri), gfile=tf.io.gfile)


@tfx.dsl.components.component
def GeneratorEvalExamples(
    examples: tfx.dsl.components.InputArtifact[tfx.types.standard_artifacts.Examples],
    model: tfx.dsl.components.InputArtifact[_Model],
    eval_examples: tfx.dsl.components.OutputArtifact[tfx.types.standard_artifacts.Examples],
    schema: tfx.dsl.components.OutputArtifact[tfx.types.standard_artifacts.Schema],
    baseline_model: tfx.dsl.components.InputArtifact[_Model] = None,
    split: tfx.dsl.components.Parameter[str] = 'eval',
    num_samples: tfx.dsl.components.Parameter[int] = 10_000,
    seed: tfx.dsl.components.Parameter[int] = 0,
) -> None:
  """Writes up to `num_samples` examples of `split` with seeded generator noise added.

  `noise` follows `model`'s spec; with a `baseline_model`, `baseline_noise` follows its
  spec. `schema` gives every feature its fixed shape, so TFMA feeds dense tensors.
  """
  spec = model_spec(model.uri)
  baseline_spec = model_spec(baseline_model.uri) if baseline_model is not None else None
  files = sorted(tf.io.gfile.glob(
      os.path.join(artifact_utils.get_split_uri([examples], split), '*')))
  records = [r.numpy() for r in tf.data.TFRecordDataset(files, 'GZIP').take(num_samples)]
  if not records:
    raise ValueError(f'split {split!r} of {examples.uri} has no examples')
  # The same seeded draw as the TFLite export's parity inputs (numpy, spec distribution).
  noise = {example_layout.NOISE_FEATURE: generator_inputs.noise(spec, len(records), seed)}
  if baseline_spec is not None:
    noise[example_layout.BASELINE_NOISE_FEATURE] = generator_inputs.noise(
        baseline_spec, len(records), seed)
  out_dir = os.path.join(eval_examples.uri, 'Split-eval')
  tf.io.gfile.makedirs(out_dir)
  with tf.io.TFRecordWriter(os.path.join(out_dir, 'data.tfrecord.gz'), 'GZIP') as writer:
    for i, record in enumerate(records):
      example = tf.train.Example.FromString(record)
      for feature, values in noise.items():
        example.features.feature[feature].float_list.value.extend(values[i])
      writer.write(example.SerializeToString())
  eval_examples.split_names = artifact_utils.encode_split_names(['eval'])
  eval_examples.set_int_custom_property('num_samples', len(records))
  eval_examples.set_string_custom_property('preset', spec.get('preset', ''))
  if baseline_spec is not None:
    eval_examples.set_string_custom_property('baseline_preset', baseline_spec.get('preset', ''))
  io_utils.write_pbtxt_file(
      os.path.join(schema.uri, 'schema.pbtxt'),
      eval_schema(spec['noise_dim'], baseline_spec['noise_dim'] if baseline_spec else None))


def eval_schema(noise_dim: int, baseline_noise_dim: Optional[int] = None) -> schema_pb2.Schema:
  result = schema_pb2.Schema()
  features = [(name, schema_pb2.INT, size) for name, size in example_layout.INT_FEATURES.items()]
  features.append((example_layout.NOISE_FEATURE, schema_pb2.FLOAT, noise_dim))
  if baseline_noise_dim is not None:
    features.append((example_layout.BASELINE_NOISE_FEATURE, schema_pb2.FLOAT, baseline_noise_dim))
  for name, kind, size in features:
    feature = result.feature.add(name=name, type=kind)
    feature.shape.dim.add(size=size)
    feature.presence.min_fraction = 1.0
  return result
