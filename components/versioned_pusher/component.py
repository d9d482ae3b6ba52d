"""VersionedPusher: publishes generator + TFLite variants together, only when all are blessed.

Unlike TFX's Pusher (one model, one blessing), a release here is the SavedModel and every
TFLite variant with its card; it ships only when both the SavedModel gate and the TFLite
gate blessed exactly these artifacts. Otherwise nothing is written and the PushedModel
artifact records the refusal (`pushed` = 0, `refusal` = why).

The inputs are read with tf.io.gfile (gs:// URIs on Vertex AI); publish.py decides how the
serving directory is written (local or object store).
"""
import os
from typing import Dict, List

from absl import logging
import tensorflow as tf
import tensorflow_model_analysis as tfma
from tfx import v1 as tfx
from tfx.utils import path_utils

from components import artifact_io
from components.sample_quality.artifacts import TFLiteModelBlessing
from components.versioned_pusher import publish

TFLITE_VARIANTS = ('fp32', 'fp16', 'dynamic_int8', 'int8')
_A = tfx.dsl.components.InputArtifact
_STD = tfx.types.standard_artifacts


def blessing_problems(blessings: Dict[str, tuple]) -> List[str]:
  """Why the release may not ship: one line per gate that did not bless its model."""
  problems = []
  for gate, (blessing, model) in blessings.items():
    if blessing.get_int_custom_property('blessed') != 1:
      problems.append(f'{gate}: model {model.id} was not blessed ({blessing.uri})')
    elif blessing.get_int_custom_property('current_model_id') != model.id:
      problems.append(f'{gate}: blessing {blessing.id} is for model '
                      f'{blessing.get_int_custom_property("current_model_id")}, not {model.id}')
  return problems


def overall_metrics(evaluation) -> Dict[str, float]:
  """The overall-slice metric values of a ModelEvaluation, keyed by metric name."""
  result = tfma.load_eval_result(evaluation.uri)
  values = {}
  for slice_key, by_output in result.slicing_metrics:
    if slice_key == ():
      for metric, value in by_output[''][''].items():
        if 'doubleValue' in value:
          values[metric] = value['doubleValue']
  return values


@tfx.dsl.components.component
def VersionedPusher(
    model: _A[_STD.Model],
    model_blessing: _A[_STD.ModelBlessing],
    model_evaluation: _A[_STD.ModelEvaluation],
    fp32: _A[_STD.Model], fp16: _A[_STD.Model], dynamic_int8: _A[_STD.Model],
    int8: _A[_STD.Model],
    tflite_blessing: _A[TFLiteModelBlessing],
    tflite_evaluation: _A[_STD.ModelEvaluation],
    pushed_model: tfx.dsl.components.OutputArtifact[_STD.PushedModel],
    serving_dir: tfx.dsl.components.Parameter[str],
) -> None:
  """Writes <serving_dir>/<version>/{saved_model, tflite/<variant>/, manifest.json}."""
  variants = {'fp32': fp32, 'fp16': fp16, 'dynamic_int8': dynamic_int8, 'int8': int8}
  problems = blessing_problems({'SavedModel gate': (model_blessing, model),
                                'TFLite int8 gate': (tflite_blessing, int8)})
  if problems:
    refusal = 'Not pushed: ' + '; '.join(problems)
    logging.warning(refusal)
    pushed_model.set_int_custom_property('pushed', 0)
    pushed_model.set_string_custom_property('refusal', refusal)
    return

  def fill(folder):  # a local folder; the sources may be gs:// URIs
    artifact_io.copy_tree(path_utils.serving_model_path(model.uri),
                          os.path.join(folder, 'saved_model'))
    for name, artifact in variants.items():
      source = path_utils.serving_model_path(artifact.uri)
      target = os.path.join(folder, 'tflite', name)
      os.makedirs(target)
      tf.io.gfile.copy(os.path.join(source, 'tflite'), os.path.join(target, 'model.tflite'))
      tf.io.gfile.copy(os.path.join(source, 'card.json'), os.path.join(target, 'card.json'))

  manifest = {
      'metrics': {'saved_model': overall_metrics(model_evaluation),
                  'tflite_int8': overall_metrics(tflite_evaluation)},
      'lineage': {'model_id': model.id, 'model_uri': model.uri,
                  'model_blessing_id': model_blessing.id, 'tflite_blessing_id': tflite_blessing.id,
                  'tflite_ids': {name: a.id for name, a in variants.items()}},
  }
  target = publish.publish(serving_dir, fill, manifest)
  logging.info('Pushed version %s to %s.', os.path.basename(target), serving_dir)
  pushed_model.set_int_custom_property('pushed', 1)
  pushed_model.set_string_custom_property('pushed_destination', target)
  pushed_model.set_string_custom_property('pushed_version', os.path.basename(target))
