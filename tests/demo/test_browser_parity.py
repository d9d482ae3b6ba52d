"""The preview page draws, in headless Chromium with LiteRT.js, what Python's LiteRT draws
from the same released file for the same inputs, for int8 and fp16.

Two releases: the pushed one (its shipped files), and a web-ready copy of it
(tests/support/web_ready_release.py: the same SavedModel behind an int32 label and a fixed
batch) for as long as the shipped files are not something LiteRT.js can run; then the
shipped case is skipped saying why. Everything here is skipped, with the reason in the
summary, where Chromium or LiteRT.js (demo/node_modules) is missing; never silently.
"""
import json
import os
import shutil

import numpy as np
import pytest

from components.tflite_export import litert_runner, parity
from formats import generator_spec, release, variants
from tests.support import web_ready_release
from tools import demo_browser

DIGIT = 3
WEB_DTYPES = ('float32', 'int32', 'uint8')  # what LiteRT.js 2.5.3 runs (demo/inputs.js)


@pytest.fixture(autouse=True)
def _browser():
  reason = demo_browser.missing()
  if reason:
    pytest.skip(f'browser preview not checked: {reason}')


@pytest.fixture(scope='module')
def web_ready(pushed_release, tmp_path_factory):
  serving, version = web_ready_release.publish_web_ready(
      pushed_release['version_dir'], str(tmp_path_factory.mktemp('web_ready')))
  return {'serving_dir': serving, 'version_dir': version}


def _card(version_dir, variant):
  with open(release.card_file(version_dir, variant)) as f:
    return json.load(f)


def _not_web_runnable(card):
  """Why LiteRT.js cannot run a card's tensors (None: it can)."""
  found = [f'{e["name"]} is {e["dtype"]} {e["shape"]}' for e in card['inputs'] + card['outputs']
           if e['dtype'] not in WEB_DTYPES or any(d < 1 for d in e['shape'])]
  return ', '.join(found) or None


def _grid(images, width):
  """Images [N, 28, 28, 1] in [0, 1] as the page tiles them: gray levels, row by row."""
  columns = width // 28
  rows = -(-len(images) // columns)
  cells = np.zeros((rows * columns, 28, 28), np.uint8)
  cells[:len(images)] = np.round(255 * np.clip(images[..., 0], 0, 1))
  return cells.reshape(rows, columns, 28, 28).swapaxes(1, 2).reshape(rows * 28, columns * 28)


def _check_page(serving_dir, version_dir, variant):
  card = _card(version_dir, variant)
  noise_entry = next(e for e in card['inputs'] if e['name'] == generator_spec.NOISE_INPUT)
  count = noise_entry['shape'][0]
  noise = np.random.default_rng(7).normal(size=(count, noise_entry['shape'][1])).astype(np.float32)

  report = demo_browser.run_page(serving_dir, variant=variant, digit=DIGIT,
                                 noise=demo_browser.encode_noise(noise), runs=3)

  expected = litert_runner.LiteRTGenerator(release.tflite_file(version_dir, variant)).generate(
      noise, np.full(count, DIGIT))
  assert report['version'] == os.path.basename(version_dir)
  assert report['images'].shape == expected.shape
  figures = parity.compare(expected, report['images'])
  assert figures['psnr_db'] >= card['parity']['min_psnr_db'], figures
  # What is on the canvas: each gray level within one of Python's output, rounded.
  drawn_error = np.abs(report['pixels'].astype(int) - _grid(expected, report['width']).astype(int))
  assert drawn_error.max() <= 1, (figures, int(drawn_error.max()))


@pytest.mark.parametrize('variant', [variants.INT8, variants.FP16])
def test_page_draws_the_shipped_file_as_python_litert_does(pushed_release, variant):
  refusal = _not_web_runnable(_card(pushed_release['version_dir'], variant))
  if refusal:
    pytest.skip(f'the shipped {variant} file cannot run in LiteRT.js ({refusal}): checked on '
                'the web-ready copy instead')
  _check_page(pushed_release['serving_dir'], pushed_release['version_dir'], variant)


@pytest.mark.parametrize('variant', [variants.INT8, variants.FP16])
def test_page_draws_the_web_ready_file_as_python_litert_does(web_ready, variant):
  _check_page(web_ready['serving_dir'], web_ready['version_dir'], variant)


def test_page_names_the_card_field_it_cannot_run(web_ready, tmp_path):
  serving = str(tmp_path / 'serving')
  shutil.copytree(web_ready['serving_dir'], serving)
  path = release.card_file(release.latest_version(serving), variants.INT8)
  with open(path) as f:
    card = json.load(f)
  next(e for e in card['inputs'] if e['name'] == generator_spec.LABEL_INPUT)['dtype'] = 'int64'
  with open(path, 'w') as f:
    json.dump(card, f)
  with pytest.raises(demo_browser.BrowserError, match='tensor "label": dtype int64 is not one'):
    demo_browser.run_page(serving, variant=variants.INT8, digit=DIGIT, runs=1)
