"""TFLite metadata from export to release: TFLiteExport writes it into every variant (version
= the export's id, recorded in the card; author and license as its exec properties state
them), the pusher's publication stamps the release version into every pushed file and card
and keeps every other field, and the pushed files are what the gate blessed.

The cheap path through the pusher: the executor's real output (a stand-in generator, few
parity samples), then the pusher's own fill and stamp through publish.publish, locally and
into a ram:// serving directory (the stand-in for gs://).
"""
import hashlib
import json
import os

import pytest
import tensorflow as tf
from tfx.types import standard_artifacts
from tfx.utils import path_utils

from components.tflite_export import executor, metadata
from components.versioned_pusher import component, publish, release_metadata
from formats import release, tflite_model, variants
from tests.components import tflite_helpers
from tests.components.ram_fs import ram_root  # pylint: disable=unused-import
from tests.support import release_tflite


# What a team shipping the model states (the MODEL_AUTHOR and MODEL_LICENSE knobs).
AUTHOR, LICENSE = 'Example Corp', "CC BY 4.0 (O'Brien & Co)"


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
  root = tmp_path_factory.mktemp('export')
  model_uri = tflite_helpers.export_standin('conditional', str(root / 'model'))
  inputs, outputs = tflite_helpers.artifacts(model_uri, root)
  executor.Executor().Do(inputs, outputs, dict(
      tflite_helpers.exec_properties(parity_samples=50, latency_runs=3),
      **{executor.METADATA_AUTHOR_KEY: AUTHOR, executor.METADATA_LICENSE_KEY: LICENSE}))
  model = standard_artifacts.Model()
  model.uri = model_uri
  return {'model': model, 'outputs': {v: a[0] for v, a in outputs.items()}}


def _author_and_license(model_bytes):
  read_back = metadata.read(model_bytes)['metadata']
  return read_back['author'], read_back['license']


def _gated_file(artifact):
  return os.path.join(path_utils.serving_model_dir(artifact.uri), tflite_model.MODEL_FILE)


def test_every_exported_variant_carries_metadata_with_the_export_version(exported):
  for variant, artifact in exported['outputs'].items():
    with open(_gated_file(artifact), 'rb') as f:
      model_bytes = f.read()
    assert metadata.version_of(model_bytes) == 'export-of-model-0', variant  # no TFX context
    assert _author_and_license(model_bytes) == (AUTHOR, LICENSE), variant
    with open(os.path.join(path_utils.serving_model_dir(artifact.uri),
                           tflite_model.CARD_FILE)) as f:
      card = json.load(f)
    assert card[tflite_model.CARD_METADATA_FIELD]['version'] == 'export-of-model-0'
    assert card[tflite_model.CARD_METADATA_FIELD]['bytes'] > 0
    assert card['size_bytes'] == len(model_bytes)  # size and parity measured with metadata


def test_pushed_release_files_carry_the_release_version(exported, tmp_path):
  serving = str(tmp_path / 'serving')
  fill = component.release_filler(exported['model'], exported['outputs'])
  target = publish.publish(serving, fill, {}, stamp=release_metadata.stamp)
  version = os.path.basename(target)
  release_tflite.check_pushed_tflite(
      target, gated={v: _gated_file(a) for v, a in exported['outputs'].items()})
  for variant in variants.TFLITE_VARIANTS:
    with open(release.card_file(target, variant)) as f:
      assert json.load(f)[tflite_model.CARD_METADATA_FIELD]['version'] == version, variant
    with open(release.tflite_file(target, variant), 'rb') as f:
      assert _author_and_license(f.read()) == (AUTHOR, LICENSE), variant  # the stamp kept them


def test_remote_release_files_carry_the_release_version(exported, ram_root):
  serving = f'{ram_root}/serving'
  fill = component.release_filler(exported['model'], exported['outputs'])
  target = publish.publish(serving, fill, {}, stamp=release_metadata.stamp)
  version = os.path.basename(target)
  with tf.io.gfile.GFile(os.path.join(target, release.MANIFEST)) as f:
    manifest = json.load(f)
  for variant in variants.TFLITE_VARIANTS:
    path = release.tflite_file(target, variant)
    with tf.io.gfile.GFile(path, 'rb') as f:
      pushed = f.read()
    assert metadata.version_of(pushed) == version, variant
    assert _author_and_license(pushed) == (AUTHOR, LICENSE), variant
    assert manifest['files'][os.path.relpath(path, target)]['sha256'] == \
        hashlib.sha256(pushed).hexdigest(), variant
