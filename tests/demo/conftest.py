"""A pushed release for the demo and snippet tests, made by the project's own export path.

The `default` preset (conditional), untrained (the browser and the snippets need the
shipped file format, not good digits), exported by models/export.py, converted and checked
by TFLiteExport's executor, and published into a serving folder by publish.py in the
release layout of formats/release.py, as VersionedPusher lays it out. Built once per session.
"""
import json
import os
import shutil

import pytest
from tfx.utils import path_utils

from components.versioned_pusher import publish, release_page
from formats import release, tflite_model, variants
from tests.components import tflite_helpers


def _fill(model_uri, tflite_uris):
  def fill(folder):
    shutil.copytree(path_utils.serving_model_path(model_uri), release.saved_model_dir(folder))
    for variant in variants.TFLITE_VARIANTS:
      source = path_utils.serving_model_path(tflite_uris[variant])
      os.makedirs(release.tflite_dir(folder, variant))
      shutil.copy(os.path.join(source, tflite_model.MODEL_FILE),
                  release.tflite_file(folder, variant))
      with open(os.path.join(source, tflite_model.CARD_FILE)) as f:
        card = release.released_card(json.load(f))
      with open(release.card_file(folder, variant), 'w') as f:
        json.dump(card, f, indent=2)
  return fill


def manifest():
  """A manifest as VersionedPusher writes it, with made-up gate figures (no gate ran)."""
  bounds = {'floor_fid': 1.05, 'floor_mnist_score': 9.8, 'floor_class_accuracy': 0.993,
            'floor_num_samples': 10000, 'max_fid': 6.28, 'min_mnist_score': 9.6,
            'min_class_accuracy': 0.973}
  figures = {'fid': 4.97, 'mnist_score': 9.76, 'class_accuracy': 0.9895}
  return {
      'metrics': {'saved_model': figures, 'baseline': {'fid': 5.2, 'mnist_score': 9.7,
                                                       'class_accuracy': 0.988},
                  'tflite': {v: dict(figures, fid=4.97 + 0.01 * i)
                             for i, v in enumerate(variants.TFLITE_VARIANTS)}},
      'gates': {'saved_model': bounds, **{v: bounds for v in variants.GATED_VARIANTS}},
      'preset': 'default', 'baseline_preset': 'default', 'preset_changed': False,
      'lineage': {'model_id': 8, 'model_blessing_id': 27, 'baseline_model_id': 3},
  }


@pytest.fixture(scope='session')
def pushed_release(tmp_path_factory):
  """{'serving_dir': ..., 'version_dir': ...} of one release of every TFLite variant."""
  root = tmp_path_factory.mktemp('demo_release')
  model_uri = tflite_helpers.export_real_preset('default', str(root / 'model'))
  outputs = tflite_helpers.run_do(model_uri, root, parity_samples=100, latency_runs=2)
  serving_dir = str(root / 'serving')
  # As VersionedPusher calls it: the release page written with the release.
  version_dir = publish.publish(serving_dir, _fill(model_uri, {v: a.uri for v, a in outputs.items()}),
                                manifest(), describe=release_page.write_version_page,
                                list_versions=release_page.write_listing)
  return {'serving_dir': serving_dir, 'version_dir': version_dir}
