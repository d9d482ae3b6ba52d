"""The release page of a pushed release: sample grids drawn from the shipped files, each
gate's figures from the manifest, file sizes, pictures of G and D or why there are none, a
verdict; the serving folder's listing; the same for a serving folder given as a URI."""
import html
import html.parser
import json
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from components import artifact_io
from components.tflite_export import litert_runner
from components.versioned_pusher import publish, release_page
from formats import generator_spec, release, variants
from models import architecture
from models.presets import PRESETS
from tests.components.publish_helpers import fill_with
from tests.components.ram_fs import ram_files, ram_root  # pylint: disable=unused-import  # fixture

_PAGE_FILES = (release.MANIFEST, release_page.PAGE, release_page.SAMPLES_DIR)


class _Tables(html.parser.HTMLParser):
  """Every <table> of a page as rows of cell texts, and every <img> as {alt: src}."""

  def __init__(self, text):
    super().__init__()
    self.tables, self.images, self._cell = [], {}, None
    self.feed(text)

  def handle_starttag(self, tag, attrs):
    if tag == 'table':
      self.tables.append([])
    elif tag == 'tr':
      self.tables[-1].append([])
    elif tag in ('td', 'th'):
      self._cell = ''
    elif tag == 'img':
      attrs = dict(attrs)
      self.images[attrs['alt']] = attrs['src']

  def handle_data(self, data):
    if self._cell is not None:
      self._cell += data

  def handle_endtag(self, tag):
    if tag in ('td', 'th'):
      self.tables[-1][-1].append(self._cell.strip())
      self._cell = None


def _page(folder):
  with open(os.path.join(folder, release_page.PAGE)) as f:
    return f.read()


def _manifest(version_dir):
  with open(os.path.join(version_dir, release.MANIFEST)) as f:
    return json.load(f)


def _table(page, first_header):
  return next(t for t in _Tables(page).tables if t and t[0][0] == first_header)


def _close(cell, value):
  return abs(float(cell.lstrip('≤≥ ').replace(',', '')) - value) <= 5e-4 * max(1, abs(value))


def _fill_from(version_dir, prepare=None):
  """`fill` publishing the models of `version_dir` again; `prepare(saved_model_dir)` may add
  to the SavedModel folder before the release is inventoried (as the Trainer's export)."""
  def fill(folder):
    for name in os.listdir(version_dir):
      if name not in _PAGE_FILES:
        source = os.path.join(version_dir, name)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, os.path.join(folder, name))
    if prepare:
      prepare(release.saved_model_dir(folder))
  return fill


def _republish(pushed_release, serving, prepare=None):
  """The pushed release published again into `serving` (local or a URI), with its page."""
  version_dir = pushed_release['version_dir']
  return publish.publish(serving, _fill_from(version_dir, prepare), _manifest(version_dir),
                         describe=release_page.write_version_page,
                         list_versions=release_page.write_listing)


def _draw_default(saved_model_dir):
  assert architecture.write_pictures(PRESETS['default'], saved_model_dir) is None


def _text(page):
  return html.unescape(page)


def test_each_variants_grid_is_what_litert_draws_from_the_shipped_file(pushed_release):
  version_dir = pushed_release['version_dir']
  images = _Tables(_page(version_dir)).images
  spec = generator_spec.read(release.saved_model_dir(version_dir))
  noise, labels = release_page.sample_inputs(spec)
  assert list(labels[::release_page.SAMPLE_COLUMNS]) == list(range(10))  # row r: digit r
  for variant in variants.TFLITE_VARIANTS:
    with Image.open(os.path.join(version_dir, images[f'{variant} samples'])) as png:
      drawn = np.asarray(png)
    model = litert_runner.LiteRTGenerator(release.tflite_file(version_dir, variant),
                                          default_delegates=False)
    levels = np.round(255 * np.clip(model.generate_batched(noise, labels)[..., 0], 0, 1))
    rows = levels.reshape(10, release_page.SAMPLE_COLUMNS, 28, 28)
    expected = rows.transpose(0, 2, 1, 3).reshape(10 * 28, release_page.SAMPLE_COLUMNS * 28)
    np.testing.assert_array_equal(drawn, expected.astype(np.uint8), err_msg=variant)


def test_gates_show_value_bound_floor_and_baseline_of_the_manifest(pushed_release):
  version_dir = pushed_release['version_dir']
  manifest, page = _manifest(version_dir), _page(version_dir)
  rows = {(r[0], r[1]): r[2:] for r in _table(page, 'gate')[1:]}
  assert len(rows) == 3 * (1 + len(variants.GATED_VARIANTS))
  for gate, bounds in manifest['gates'].items():
    values = (manifest['metrics']['saved_model'] if gate == 'saved_model'
              else manifest['metrics']['tflite'][gate])
    baseline = (manifest['metrics']['baseline'] if gate == 'saved_model'
                else manifest['metrics']['tflite'][variants.REFERENCE_VARIANT])
    for key, label, side in release_page.METRICS:
      value, bound, floor, base = rows[(gate, label)]
      assert _close(value, values[key]) and _close(bound, bounds[f'{side}_{key}'])
      assert _close(floor, bounds[f'floor_{key}']) and _close(base, baseline[key])
  assert f'Pushed because all {len(manifest["gates"])} gates blessed it' in page


def test_file_sizes_are_the_shipped_files(pushed_release):
  version_dir = pushed_release['version_dir']
  files = _manifest(version_dir)['files']
  rows = {r[0]: r[1:] for r in _table(_page(version_dir), 'model')[1:]}
  for variant in variants.TFLITE_VARIANTS:
    shipped = os.path.relpath(release.tflite_file(version_dir, variant), version_dir)
    assert _close(rows[variant][0], files[shipped]['bytes'])


def test_serving_listing_names_every_release_newest_first(pushed_release, tmp_path):
  serving = str(tmp_path / 'serving')
  shutil.copytree(pushed_release['serving_dir'], serving)
  first = os.path.basename(release.latest_version(serving))

  second = os.path.basename(publish.publish(  # the same release again, as a second version
      serving, _fill_from(os.path.join(serving, first)), _manifest(os.path.join(serving, first)),
      describe=release_page.write_version_page, list_versions=release_page.write_listing))
  rows = _table(_page(serving), 'version')[1:]
  assert [r[0] for r in rows] == [f'{second} (LATEST)', first]
  assert os.path.isfile(os.path.join(serving, second, release_page.PAGE))


def test_a_failing_page_publishes_nothing(tmp_path):
  # The page is part of the release: if it cannot be written, no version appears.
  serving = str(tmp_path / 'serving')

  def broken_page(folder, manifest):
    raise ValueError('no model to draw samples from (injected)')
  with pytest.raises(publish.PublishError, match='injected'):
    publish.publish(serving, fill_with({'a': 'x'}), {}, describe=broken_page,
                    list_versions=release_page.write_listing)
  assert sorted(os.listdir(serving)) == [publish.LOCK_FILE]


@pytest.mark.skipif(architecture.missing_tool() is not None,
                    reason=f'cannot draw: {architecture.missing_tool()}')
def test_page_shows_the_architecture_pictures_shipped_in_the_release(pushed_release, tmp_path):
  version_dir = _republish(pushed_release, str(tmp_path / 'serving'), prepare=_draw_default)
  page = _page(version_dir)
  images = _Tables(page).images
  files = _manifest(version_dir)['files']
  for role in release.ARCHITECTURE_PICTURES:
    src = images[f'{role} architecture']
    # Relative to the page and inside the release: the page works from file:// and served.
    assert not os.path.isabs(src) and '://' not in src and '..' not in src.split('/'), src
    with open(os.path.join(version_dir, src), 'rb') as f:
      assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert files[src]['bytes'] > 5000  # shipped and inventoried like the models
  assert 'architecture picture not drawn' not in page


def test_page_says_why_there_is_no_architecture_picture(pushed_release, tmp_path, monkeypatch):
  # A model exported without the GAN Trainer (the fixture's) has no pictures at all.
  assert ('architecture picture not drawn: the model has no saved_model/architecture/ pictures'
          in _text(_page(pushed_release['version_dir'])))
  # The Trainer on a machine without Graphviz: the reason it recorded is on the page.
  empty = tmp_path / 'bin'
  empty.mkdir()
  monkeypatch.setenv('PATH', str(empty))
  version_dir = _republish(pushed_release, str(tmp_path / 'serving'),
                           prepare=lambda d: architecture.write_pictures(PRESETS['default'], d))
  assert ("architecture picture not drawn: Graphviz's `dot` is not on PATH"
          in _text(_page(version_dir)))
  assert not any(alt.endswith(' architecture') for alt in _Tables(_page(version_dir)).images)


def test_a_remote_serving_folder_gets_the_page_and_the_listing(pushed_release, ram_root):
  serving = f'{ram_root}/serving'
  prepare = _draw_default if architecture.missing_tool() is None else None
  target = _republish(pushed_release, serving, prepare=prepare)
  version = os.path.basename(target)
  page = artifact_io.read_text(os.path.join(target, release_page.PAGE))
  shipped = ram_files(target)
  referenced = list(_Tables(page).images.values())
  assert len(referenced) == len(variants.TFLITE_VARIANTS) + (2 if prepare else 0)
  for src in referenced:  # every picture the page shows was uploaded with it
    assert src in shipped, (src, shipped)
  assert 'Pushed because all' in page
  listing = artifact_io.read_text(os.path.join(serving, release_page.PAGE))
  assert [r[0] for r in _table(listing, 'version')[1:]] == [f'{version} (LATEST)']
  assert f'href="{version}/{release_page.PAGE}"' in listing
  # Nothing but the release, LATEST and the listing (no aside files left behind).
  assert sorted(tf.io.gfile.listdir(serving)) == sorted([version, release.LATEST,
                                                          release_page.PAGE])
