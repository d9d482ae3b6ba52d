"""The preview page draws, in headless Chromium with LiteRT.js, what Python's LiteRT draws
from the same shipped file for the same inputs, for int8 and fp16.

The page calls each card's `web_signature` (the generator at a fixed batch, label int32:
LiteRT.js runs no dynamic dimension and no int64). Everything here is skipped, with the
reason in the summary, where Chromium or LiteRT.js (demo/node_modules) is missing; never
silently.
"""
import json
import os
import shutil

import numpy as np
import pytest

from components.tflite_export import litert_runner, parity
from formats import generator_spec, release, variants
from tools import demo_browser

DIGIT = 3
WEB_DTYPES = ('float32', 'int32', 'uint8')  # what LiteRT.js 2.5.3 runs (demo/inputs.js)


@pytest.fixture(autouse=True)
def _browser():
  reason = demo_browser.missing()
  if reason:
    pytest.skip(f'browser preview not checked: {reason}')


def _card(version_dir, variant):
  with open(release.card_file(version_dir, variant)) as f:
    return json.load(f)


def _web_tensors(card):
  described = card['signatures'][card['web_signature']]
  return described['inputs'] + described['outputs']


def _grid(images, width):
  """Images [N, 28, 28, 1] in [0, 1] as the page tiles them: gray levels, row by row."""
  columns = width // 28
  rows = -(-len(images) // columns)
  cells = np.zeros((rows * columns, 28, 28), np.uint8)
  cells[:len(images)] = np.round(255 * np.clip(images[..., 0], 0, 1))
  return cells.reshape(rows, columns, 28, 28).swapaxes(1, 2).reshape(rows * 28, columns * 28)


@pytest.mark.parametrize('variant', [variants.INT8, variants.FP16])
def test_the_shipped_web_signature_is_one_litert_js_runs(pushed_release, variant):
  """Fixed shapes and LiteRT.js dtypes only (what the page would otherwise refuse)."""
  card = _card(pushed_release['version_dir'], variant)
  assert card['web_signature'] == generator_spec.WEB_SIGNATURE
  for entry in _web_tensors(card):
    assert entry['dtype'] in WEB_DTYPES and all(d >= 1 for d in entry['shape']), entry


@pytest.mark.parametrize('variant', [variants.INT8, variants.FP16])
def test_page_draws_the_shipped_file_as_python_litert_does(pushed_release, variant):
  serving_dir, version_dir = pushed_release['serving_dir'], pushed_release['version_dir']
  card = _card(version_dir, variant)
  noise_entry = next(e for e in _web_tensors(card) if e['name'] == generator_spec.NOISE_INPUT)
  count = noise_entry['shape'][0]
  noise = np.random.default_rng(7).normal(size=(count, noise_entry['shape'][1])).astype(np.float32)

  report = demo_browser.run_page(serving_dir, variant=variant, digit=DIGIT,
                                 noise=demo_browser.encode_noise(noise), runs=3)

  expected = litert_runner.LiteRTGenerator(
      release.tflite_file(version_dir, variant), signature=card['web_signature']).generate(
          noise, np.full(count, DIGIT))
  assert report['version'] == os.path.basename(version_dir)
  assert report['signature'] == card['web_signature']
  assert report['images'].shape == expected.shape
  figures = parity.compare(expected, report['images'])
  assert figures['psnr_db'] >= card['parity']['min_psnr_db'], figures
  # What is on the canvas: each gray level within one of Python's output, rounded.
  drawn_error = np.abs(report['pixels'].astype(int) - _grid(expected, report['width']).astype(int))
  assert drawn_error.max() <= 1, (figures, int(drawn_error.max()))


def test_page_names_the_card_field_it_cannot_run(pushed_release, tmp_path):
  serving = str(tmp_path / 'serving')
  shutil.copytree(pushed_release['serving_dir'], serving)
  path = release.card_file(release.latest_version(serving), variants.INT8)
  with open(path) as f:
    card = json.load(f)
  label = next(e for e in card['signatures'][card['web_signature']]['inputs']
               if e['name'] == generator_spec.LABEL_INPUT)
  label['dtype'] = 'int64'
  with open(path, 'w') as f:
    json.dump(card, f)
  with pytest.raises(demo_browser.BrowserError,
                     match='signature serving_web, tensor "label": dtype int64 is not one'):
    demo_browser.run_page(serving, variant=variants.INT8, digit=DIGIT, runs=1)
