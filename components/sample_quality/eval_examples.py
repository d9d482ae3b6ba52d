"""GeneratorEvalExamples: the eval split plus the generator input each example asks for.

TFMA evaluates a model by feeding it features by name. Writing the generator's `noise`
(seeded, in the distribution the trained preset declares in generator_spec.json) next to
each real `image` and requested `label` lets the SavedModel and every TFLite variant be
evaluated on identical inputs, and a baseline model on the same ones.

Every file access goes through TensorFlow's filesystems (tf.io.gfile, TFRecord I/O), so the
artifact URIs may be gs:// paths (Kubeflow V2 / Vertex AI).
"""
import os

import tensorflow as tf
from tfx import v1 as tfx
from tfx.types import artifact_utils
from tfx.utils import io_utils
from tfx.utils import path_utils
from tensorflow_metadata.proto.v0 import schema_pb2

from components.tflite_export import generator_inputs

NOISE_FEATURE = 'noise'


@tfx.dsl.components.component
def GeneratorEvalExamples(
    examples: tfx.dsl.components.InputArtifact[tfx.types.standard_artifacts.Examples],
    model: tfx.dsl.components.InputArtifact[tfx.types.standard_artifacts.Model],
    eval_examples: tfx.dsl.components.OutputArtifact[tfx.types.standard_artifacts.Examples],
    schema: tfx.dsl.components.OutputArtifact[tfx.types.standard_artifacts.Schema],
    split: tfx.dsl.components.Parameter[str] = 'eval',
    num_samples: tfx.dsl.components.Parameter[int] = 10_000,
    seed: tfx.dsl.components.Parameter[int] = 0,
) -> None:
  """Writes up to `num_samples` examples of `split` with a seeded `noise` feature added.

  `schema` gives every feature its fixed shape, so TFMA feeds dense tensors to the model.
  """
  # Checked spec (noise distribution, shapes); errors name the file.
  spec = generator_inputs.read_spec(path_utils.serving_model_path(model.uri),
                                    gfile=tf.io.gfile)
  files = sorted(tf.io.gfile.glob(
      os.path.join(artifact_utils.get_split_uri([examples], split), '*')))
  records = [r.numpy() for r in tf.data.TFRecordDataset(files, 'GZIP').take(num_samples)]
  if not records:
    raise ValueError(f'split {split!r} of {examples.uri} has no examples')
  # The same seeded draw as the TFLite export's parity inputs (numpy, spec distribution).
  noise = generator_inputs.noise(spec, len(records), seed)
  out_dir = os.path.join(eval_examples.uri, 'Split-eval')
  tf.io.gfile.makedirs(out_dir)
  with tf.io.TFRecordWriter(os.path.join(out_dir, 'data.tfrecord.gz'), 'GZIP') as writer:
    for record, row in zip(records, noise):
      example = tf.train.Example.FromString(record)
      example.features.feature[NOISE_FEATURE].float_list.value.extend(row)
      writer.write(example.SerializeToString())
  eval_examples.split_names = artifact_utils.encode_split_names(['eval'])
  eval_examples.set_int_custom_property('num_samples', len(records))
  io_utils.write_pbtxt_file(os.path.join(schema.uri, 'schema.pbtxt'),
                            eval_schema(spec['noise_dim']))


def eval_schema(noise_dim: int) -> schema_pb2.Schema:
  result = schema_pb2.Schema()
  for name, kind, size in (('image', schema_pb2.INT, 784), ('label', schema_pb2.INT, 1),
                           (NOISE_FEATURE, schema_pb2.FLOAT, noise_dim)):
    feature = result.feature.add(name=name, type=kind)
    feature.shape.dim.add(size=size)
    feature.presence.min_fraction = 1.0
  return result
