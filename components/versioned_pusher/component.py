"""VersionedPusher: publishes generator + TFLite variants together, only when all are blessed.

Unlike TFX's Pusher (one model, one blessing), a release here is the SavedModel and every
TFLite variant with its card; it ships only when every gate blessed exactly these artifacts:
the SavedModel gate and one gate per quantized TFLite variant (fp16, dynamic_int8, int8, each
compared with this run's fp32 TFLite model). Otherwise nothing is written and the
PushedModel artifact records the refusal (`pushed` = 0, `refusal` = why, naming the gates).

The pusher also writes the release's blessing, a plain `ModelBlessing` with `blessed` = 1 and
`current_model_id` = the GAN model only when it pushed (0 otherwise). It is the only
`tfx.ModelBlessing` in the pipeline (the gates write their own types, see
components/sample_quality/artifacts.py), so the latest-blessed-model resolver, on the local
runner and compiled for Kubeflow V2 alike, finds the last *pushed* release: the next run's
baseline and warm-start base.

The inputs are read with tf.io.gfile (gs:// URIs on Vertex AI); publish.py decides how the
serving directory is written (local or object store).
"""
import json
import os
from typing import Dict, List, Optional

from absl import logging
import tensorflow as tf
import tensorflow_model_analysis as tfma
from tfx import v1 as tfx
from tfx.components.evaluator import constants as evaluator_constants
from tfx.utils import path_utils

from components import artifact_io
from components.sample_quality.artifacts import SavedModelBlessing, TFLiteModelBlessing
from components.sample_quality import floor_thresholds
from components.sample_quality.eval_examples import model_spec
from components.versioned_pusher import publish, release_metadata
from components.versioned_pusher import release_page
from formats import release, tflite_model, variants

# The variant names are formats/variants.py's; kept under these names for the pipeline.
TFLITE_VARIANTS = variants.TFLITE_VARIANTS
GATED_TFLITE_VARIANTS = variants.GATED_VARIANTS
_Input = tfx.dsl.components.InputArtifact
_STD = tfx.types.standard_artifacts


def gate_name(variant: Optional[str] = None) -> str:
  """How refusals name a gate: 'SavedModel gate' or 'TFLite <variant> gate'."""
  return f'TFLite {variant} gate' if variant else 'SavedModel gate'


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


def gate_record(evaluation) -> Optional[dict]:
  """The floor and the bounds a gate applied (its gate_thresholds.json), or None."""
  path = os.path.join(evaluation.uri, floor_thresholds.GATE_FILE)
  if not tf.io.gfile.exists(path):
    return None  # a gate without floor-tied thresholds
  with tf.io.gfile.GFile(path) as f:
    return json.load(f)


def overall_metrics(evaluation, model_name: Optional[str] = None) -> Dict[str, float]:
  """The overall-slice metric values of a ModelEvaluation, keyed by metric name.

  `model_name` None: the candidate's (with `<metric>_diff` against the baseline, if any);
  'baseline': the baseline model's own values (empty if the evaluation had none).
  """
  result = tfma.load_eval_result(evaluation.uri, model_name=model_name)
  values = {}
  for slice_key, by_output in result.slicing_metrics:
    if slice_key == () and by_output:
      for metric, value in by_output[''][''].items():
        if 'doubleValue' in value:
          values[metric] = value['doubleValue']
  return values


def preset_change(model_preset: str, baseline_preset: Optional[str]) -> dict:
  """The manifest's record of which preset was compared with which (None: no baseline)."""
  return {'preset': model_preset, 'baseline_preset': baseline_preset,
          'preset_changed': baseline_preset is not None and baseline_preset != model_preset}


def baseline_preset(model_blessing) -> Optional[str]:
  """The preset of the baseline the SavedModel gate compared with, from its blessing."""
  uri = model_blessing.get_string_custom_property(
      evaluator_constants.ARTIFACT_PROPERTY_BASELINE_MODEL_URI_KEY)
  return model_spec(uri).get('preset') if uri else None


def release_filler(model, tflite_models: Dict[str, object]):
  """`fill(folder)` for publish.publish: the SavedModel and every variant's model and card
  in the release layout (formats/release.py). The folder is local; the sources may be
  gs:// URIs."""
  def fill(folder):
    artifact_io.copy_tree(path_utils.serving_model_path(model.uri),
                          release.saved_model_dir(folder))
    for name, artifact in tflite_models.items():
      source = path_utils.serving_model_path(artifact.uri)
      os.makedirs(release.tflite_dir(folder, name))
      tf.io.gfile.copy(os.path.join(source, tflite_model.MODEL_FILE),
                       release.tflite_file(folder, name))
      # The card names the file beside it, which the release renames.
      card = json.loads(artifact_io.read_text(os.path.join(source, tflite_model.CARD_FILE)))
      with open(release.card_file(folder, name), 'w') as f:
        json.dump(release.released_card(card), f, indent=2)
  return fill


def _set_release_blessing(release_blessing, model, blessed: bool) -> None:
  release_blessing.set_int_custom_property(evaluator_constants.ARTIFACT_PROPERTY_BLESSED_KEY,
                                           1 if blessed else 0)
  release_blessing.set_int_custom_property(
      evaluator_constants.ARTIFACT_PROPERTY_CURRENT_MODEL_ID_KEY, model.id)
  release_blessing.set_string_custom_property(
      evaluator_constants.ARTIFACT_PROPERTY_CURRENT_MODEL_URI_KEY, model.uri)


@tfx.dsl.components.component
def VersionedPusher(
    model: _Input[_STD.Model],
    model_blessing: _Input[SavedModelBlessing],
    model_evaluation: _Input[_STD.ModelEvaluation],
    fp32: _Input[_STD.Model], fp16: _Input[_STD.Model], dynamic_int8: _Input[_STD.Model],
    int8: _Input[_STD.Model], uint8: _Input[_STD.Model],
    fp16_blessing: _Input[TFLiteModelBlessing], fp16_evaluation: _Input[_STD.ModelEvaluation],
    dynamic_int8_blessing: _Input[TFLiteModelBlessing],
    dynamic_int8_evaluation: _Input[_STD.ModelEvaluation],
    int8_blessing: _Input[TFLiteModelBlessing], int8_evaluation: _Input[_STD.ModelEvaluation],
    uint8_blessing: _Input[TFLiteModelBlessing],
    uint8_evaluation: _Input[_STD.ModelEvaluation],
    pushed_model: tfx.dsl.components.OutputArtifact[_STD.PushedModel],
    release_blessing: tfx.dsl.components.OutputArtifact[_STD.ModelBlessing],
    serving_dir: tfx.dsl.components.Parameter[str],
) -> None:
  """Writes <serving_dir>/<version>/ in the layout of formats/release.py."""
  # The inputs are named after the variants (a TFX component's inputs are its parameters).
  given = locals()
  tflite_models = {v: given[v] for v in variants.TFLITE_VARIANTS}
  tflite_gates = {v: (given[f'{v}_blessing'], given[f'{v}_evaluation'])
                  for v in variants.GATED_VARIANTS}
  problems = blessing_problems({
      gate_name(): (model_blessing, model),
      **{gate_name(v): (blessing, tflite_models[v]) for v, (blessing, _) in tflite_gates.items()}})
  if problems:
    refusal = 'Not pushed: ' + '; '.join(problems)
    logging.warning(refusal)
    pushed_model.set_int_custom_property('pushed', 0)
    pushed_model.set_string_custom_property('refusal', refusal)
    _set_release_blessing(release_blessing, model, blessed=False)
    return

  tflite_metrics = {name: overall_metrics(evaluation)
                    for name, (_, evaluation) in tflite_gates.items()}
  # fp32 is every TFLite gate's baseline: its own values, as the int8 evaluation measured them.
  tflite_metrics[variants.REFERENCE_VARIANT] = overall_metrics(
      tflite_gates[variants.INT8][1], model_name='baseline')
  manifest = {
      'metrics': {'saved_model': overall_metrics(model_evaluation),
                  'baseline': overall_metrics(model_evaluation, model_name='baseline'),
                  'tflite': {name: tflite_metrics[name] for name in variants.TFLITE_VARIANTS}},
      # Per gate: the floor this run's classifier measured and the bounds it applied.
      'gates': {'saved_model': gate_record(model_evaluation),
                **{name: gate_record(evaluation)
                   for name, (_, evaluation) in tflite_gates.items()}},
      **preset_change(model_spec(model.uri).get('preset'), baseline_preset(model_blessing)),
      'lineage': {
          'model_id': model.id, 'model_uri': model.uri,
          'baseline_model_id': model_blessing.get_int_custom_property(
              evaluator_constants.ARTIFACT_PROPERTY_BASELINE_MODEL_ID_KEY) or None,
          'model_blessing_id': model_blessing.id,
          'tflite_blessing_ids': {v: blessing.id for v, (blessing, _) in tflite_gates.items()},
          'tflite_ids': {name: a.id for name, a in tflite_models.items()}},
  }
  # The .tflite files get the release version in their metadata once it is chosen; the
  # release page is written into the release before it appears (local serving dirs).
  target = publish.publish(serving_dir, release_filler(model, tflite_models), manifest,
                           describe=release_page.write_version_page,
                           list_versions=release_page.write_listing,
                           stamp=release_metadata.stamp)
  logging.info('Pushed version %s to %s.', os.path.basename(target), serving_dir)
  pushed_model.set_int_custom_property('pushed', 1)
  pushed_model.set_string_custom_property('pushed_destination', target)
  pushed_model.set_string_custom_property('pushed_version', os.path.basename(target))
  _set_release_blessing(release_blessing, model, blessed=True)
