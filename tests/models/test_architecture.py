"""Pictures of G's and D's architecture: drawn by Keras' plot_model for every preset, by the
GAN Trainer beside its export, and replaced by a recorded reason when Graphviz is missing."""
import logging
import os

import pytest
import tensorflow as tf
from PIL import Image

from formats import release
from models import architecture, gan_trainer
from models.presets import PRESETS

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
# As the browser tests do without chromium: reported as skipped, saying why (.ci/run
# installs Graphviz, so CI always draws).
needs_graphviz = pytest.mark.skipif(architecture.missing_tool() is not None,
                                    reason=f'cannot draw: {architecture.missing_tool()}')


def _assert_picture(path):
  with open(path, 'rb') as f:
    assert f.read(8) == PNG_SIGNATURE, path
  with Image.open(path) as png:
    # A single empty graph is ~10x10 px; even a model drawn as one box with its inputs is
    # several hundred pixels wide.
    assert png.width >= 300 and png.height >= 150, (path, png.size)


@needs_graphviz
@pytest.mark.parametrize('name', sorted(PRESETS))
def test_every_preset_draws_g_and_d_with_their_inputs(name, tmp_path):
  preset = PRESETS[name]
  models = architecture.models(preset)
  label = ['label'] if preset.conditional else []
  assert [t.name for t in models['generator'].inputs] == ['noise'] + label
  assert [t.name for t in models['discriminator'].inputs] == ['image'] + label
  assert tuple(models['generator'].output.shape) == (None, 28, 28, 1)
  paths = architecture.draw(preset, str(tmp_path))
  assert [os.path.basename(p) for p in paths] == list(release.ARCHITECTURE_PICTURES.values())
  for path in paths:
    _assert_picture(path)


def test_without_dot_the_reason_is_recorded_and_logged_once(tmp_path, monkeypatch, caplog):
  empty = tmp_path / 'bin'
  empty.mkdir()
  monkeypatch.setenv('PATH', str(empty))  # no `dot` anywhere
  serving = tmp_path / 'Format-Serving'
  with caplog.at_level(logging.WARNING):
    reason = architecture.write_pictures(PRESETS['mlp'], str(serving))
  assert reason is not None and '`dot` is not on PATH' in reason
  folder = serving / release.ARCHITECTURE_DIR
  assert sorted(os.listdir(folder)) == [release.NOT_DRAWN_FILE]
  assert (folder / release.NOT_DRAWN_FILE).read_text().strip() == reason
  warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
  assert len(warnings) == 1 and reason in warnings[0].getMessage()


@needs_graphviz
def test_run_fn_draws_beside_a_saved_model_that_still_loads(tfrecord_fn_args):
  fn_args = tfrecord_fn_args({'preset': 'mlp', 'batch_size': 16}, train_steps=1)
  gan_trainer.run_fn(fn_args)
  folder = os.path.join(fn_args.serving_model_dir, release.ARCHITECTURE_DIR)
  assert sorted(os.listdir(folder)) == sorted(release.ARCHITECTURE_PICTURES.values())
  for name in release.ARCHITECTURE_PICTURES.values():
    _assert_picture(os.path.join(folder, name))
  # The SavedModel's loader ignores the folder: the generator still serves.
  serve = tf.saved_model.load(fn_args.serving_model_dir).signatures['serving_default']
  images = serve(noise=tf.zeros([2, PRESETS['mlp'].noise_dim]))['images']
  assert images.shape == (2, 28, 28, 1)
