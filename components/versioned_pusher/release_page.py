"""The release page: `<version>/index.html`, what a reviewer looks at before a rollout, and
the serving folder's `index.html` listing every release.

A static page (no server, no script): a sample grid of every TFLite variant drawn from the
same seeded inputs (one row per digit), each gate's metrics beside the bound it applied,
the floor it was tied to and the baseline's value, file sizes, parity and latency from the
cards, the preset, pictures of G's and D's architecture, the lineage ids and a one-line
verdict. Everything comes from the release folder itself (manifest.json, the cards,
generator_spec.json, the Trainer's `saved_model/architecture/`) and its models, run with
LiteRT, so the page shows what was shipped, not what the run meant to ship. Links are
relative, so the page works from disk (file://) as well as served.

publish.py writes the version's page into the staging folder, after the manifest and
before the rename, so a release is never visible without its page (remote_publish.py:
into the local folder it uploads, before the manifest); the serving folder's listing is
rewritten after LATEST moved. No TensorFlow for a local serving folder; one given as a URI
(gs://) is listed and written through tf.io.gfile, imported only then.
"""
import html
import io
import json
import os
import uuid
from typing import Any, Dict, List, Optional

import numpy as np
from PIL import Image

from components.tflite_export import generator_inputs, litert_runner
from formats import generator_spec, release, variants

PAGE = 'index.html'
SAMPLES_DIR = 'samples'  # <version>/samples/<variant>.png
SAMPLE_SEED = 0
SAMPLE_COLUMNS = 8  # images per digit (conditional) or per row (unconditional)
METRICS = (('fid', 'FID', 'max'), ('mnist_score', 'MNIST score', 'min'),
           ('class_accuracy', 'class accuracy', 'min'))
SAVED_MODEL_GATE = 'saved_model'  # the manifest's key of the SavedModel gate
_STYLE = '''body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}.grids{display:flex;flex-wrap:wrap;gap:1.5em}
.grids img{image-rendering:pixelated;width:336px}.grids img.architecture{image-rendering:auto;width:auto;max-width:100%}
.missing{color:#a00}.verdict{font-size:1.15em;font-weight:600}
code{background:#f3f3f3;padding:0 .2em}'''


def _esc(value: Any) -> str:
  return html.escape(str(value))


def _number(value: Optional[float], digits: int = 4) -> str:
  return '–' if value is None else f'{value:.{digits}g}'


def _tile(images: np.ndarray, columns: int) -> np.ndarray:
  """[N, 28, 28, 1] in [0, 1] -> uint8 grid, `columns` images per row."""
  rows = -(-len(images) // columns)
  cells = np.zeros((rows * columns,) + images.shape[1:3], np.uint8)
  cells[:len(images)] = np.round(255 * np.clip(images[..., 0], 0, 1))
  height, width = images.shape[1:3]
  return cells.reshape(rows, columns, height, width).swapaxes(1, 2).reshape(
      rows * height, columns * width)


def sample_inputs(spec: Dict[str, Any]):
  """The page's seeded inputs, the same for every variant: row r draws digit r."""
  if spec['conditional']:
    labels = np.repeat(np.arange(spec['num_classes']), SAMPLE_COLUMNS)
  else:
    labels = None
  count = len(labels) if labels is not None else 10 * SAMPLE_COLUMNS
  return generator_inputs.noise(spec, count, SAMPLE_SEED), labels


def write_samples(version_dir: str, shipped: List[str]) -> Dict[str, str]:
  """`samples/<variant>.png` of every shipped variant; variant -> path relative to the page."""
  spec = generator_spec.read(release.saved_model_dir(version_dir))
  noise, labels = sample_inputs(spec)
  os.makedirs(os.path.join(version_dir, SAMPLES_DIR), exist_ok=True)
  grids = {}
  for variant in shipped:
    # Without XNNPACK: in a process that has run other models, its repeated invocations
    # were seen returning wrong images after the first (litert_runner.generate_batched).
    model = litert_runner.LiteRTGenerator(model_path=release.tflite_file(version_dir, variant),
                                          default_delegates=False)
    images = model.generate_batched(noise, labels)
    relative = f'{SAMPLES_DIR}/{variant}.png'
    buffer = io.BytesIO()
    Image.fromarray(_tile(images, SAMPLE_COLUMNS), mode='L').save(buffer, format='PNG')
    with open(os.path.join(version_dir, relative), 'wb') as f:
      f.write(buffer.getvalue())
    grids[variant] = relative
  return grids


def architecture(version_dir: str):
  """({role: picture path relative to the page}, None), or ({}, why there are none)."""
  folder = release.architecture_dir(version_dir)
  pictures = {role: os.path.relpath(os.path.join(folder, name), version_dir).replace(os.sep, '/')
              for role, name in release.ARCHITECTURE_PICTURES.items()
              if os.path.isfile(os.path.join(folder, name))}
  if len(pictures) == len(release.ARCHITECTURE_PICTURES):
    return pictures, None
  note = os.path.join(folder, release.NOT_DRAWN_FILE)
  if os.path.isfile(note):
    with open(note) as f:
      return {}, f.read().strip() or 'no reason recorded'
  return {}, (f'the model has no {release.SAVED_MODEL_DIR}/{release.ARCHITECTURE_DIR}/ '
              f'pictures (it was not exported by the GAN Trainer)')


def _architecture_section(pictures: Dict[str, str], reason: Optional[str]) -> str:
  if reason is not None:
    return f'<p class="missing">architecture picture not drawn: {_esc(reason)}</p>'
  figures = ''.join(f'<figure><a href="{_esc(path)}"><img class="architecture" src="{_esc(path)}" '
                    f'alt="{_esc(role)} architecture"></a><figcaption>{_esc(role)}</figcaption></figure>'
                    for role, path in pictures.items())
  return ('<p>Drawn by Keras\' <code>plot_model</code> when the Trainer exported the model: '
          'every layer with its input and output shapes.</p>'
          f'<div class="grids">{figures}</div>')


def _cards(version_dir: str) -> Dict[str, dict]:
  cards = {}
  for variant in variants.TFLITE_VARIANTS:
    path = release.card_file(version_dir, variant)
    if os.path.isfile(path):
      with open(path) as f:
        cards[variant] = json.load(f)
  return cards


def _model_metrics(manifest: dict, gate: str) -> Dict[str, float]:
  metrics = manifest.get('metrics', {})
  return metrics.get('saved_model', {}) if gate == SAVED_MODEL_GATE else \
      metrics.get('tflite', {}).get(gate, {})


def _gates(manifest: dict):
  """(gate, bounds) of the manifest, the SavedModel gate first."""
  return sorted((manifest.get('gates') or {}).items(), key=lambda item: item[0] != SAVED_MODEL_GATE)


def verdict(manifest: dict) -> str:
  """One line: pushed because every gate blessed it, with the SavedModel's headline."""
  gates = [gate for gate, _ in _gates(manifest)]
  if not gates:
    return 'Pushed; the manifest records no gate bounds.'
  bounds = dict(_gates(manifest))[gates[0]] or {}
  values = _model_metrics(manifest, gates[0])
  checks = [f'{label} {values[key]:.4g} {"≤" if side == "max" else "≥"} {bounds[f"{side}_{key}"]:.4g}'
            for key, label, side in METRICS if key in values and f'{side}_{key}' in bounds]
  return (f'Pushed because all {len(gates)} gates blessed it ({", ".join(gates)})'
          + (f'; {gates[0]}: {", ".join(checks)}.' if checks else '.'))


def _gate_table(manifest: dict) -> str:
  baseline = manifest.get('metrics', {}).get('baseline') or {}
  rows = []
  for gate, bounds in _gates(manifest):
    values, bounds = _model_metrics(manifest, gate), bounds or {}
    for key, label, side in METRICS:
      reference = baseline.get(key) if gate == SAVED_MODEL_GATE else \
          manifest.get('metrics', {}).get('tflite', {}).get(variants.REFERENCE_VARIANT, {}).get(key)
      rows.append(f'<tr><td>{_esc(gate)}</td><td>{_esc(label)}</td><td>{_number(values.get(key))}</td>'
                  f'<td>{"≤" if side == "max" else "≥"} {_number(bounds.get(f"{side}_{key}"))}</td>'
                  f'<td>{_number(bounds.get(f"floor_{key}"))}</td><td>{_number(reference)}</td></tr>')
  return ('<table><tr><th>gate</th><th>metric</th><th>value</th><th>bound</th><th>floor '
          '(real vs real)</th><th>baseline</th></tr>' + ''.join(rows) + '</table>'
          '<p>Baseline: the last pushed release for the SavedModel gate, this release\'s '
          f'{variants.REFERENCE_VARIANT} TFLite model for the TFLite gates.</p>')


def _files_table(manifest: dict, cards: Dict[str, dict]) -> str:
  files = manifest.get('files', {})
  saved_model_bytes = sum(f['bytes'] for name, f in files.items()
                          if name.startswith(release.SAVED_MODEL_DIR + '/'))
  rows = [f'<tr><td>SavedModel</td><td>{saved_model_bytes:,}</td><td>–</td><td>–</td><td>–</td></tr>']
  for variant, card in cards.items():
    parity, latency = card.get('parity', {}), card.get('latency', {})
    rows.append(
        f'<tr><td>{_esc(variant)}</td><td>{card.get("size_bytes", 0):,}</td>'
        f'<td>{_number(parity.get("psnr_db"))} (≥ {_number(parity.get("min_psnr_db"))})</td>'
        f'<td>{_number(parity.get("max_abs_error"))}</td>'
        f'<td>{_number(latency.get("ms_per_image_batch1_threads1"))}</td></tr>')
  return ('<table><tr><th>model</th><th>bytes</th><th>parity PSNR dB vs SavedModel</th>'
          '<th>max abs error</th><th>ms/image (batch 1, 1 thread, export host)</th></tr>'
          + ''.join(rows) + '</table>')


def _pairs_table(pairs: Dict[str, Any]) -> str:
  rows = ''.join(f'<tr><td>{_esc(k)}</td><td>{_esc(json.dumps(v) if isinstance(v, dict) else v)}</td></tr>'
                 for k, v in pairs.items())
  return f'<table>{rows}</table>'


def render(manifest: dict, cards: Dict[str, dict], grids: Dict[str, str], spec: dict,
           pictures: Optional[Dict[str, str]] = None, not_drawn: Optional[str] = None) -> str:
  """The version's page as HTML text; `pictures` and `not_drawn` as architecture() gives."""
  version = manifest.get('version', '?')
  rows = 'one row per digit 0–9' if spec['conditional'] else '10 rows'
  images = ''.join(f'<figure><img src="{_esc(path)}" alt="{_esc(v)} samples">'
                   f'<figcaption>{_esc(v)}</figcaption></figure>' for v, path in grids.items())
  training = {'preset': manifest.get('preset'), 'baseline preset': manifest.get('baseline_preset'),
              'preset changed': manifest.get('preset_changed')}
  if 'train_steps' in manifest:
    training['training steps'] = manifest['train_steps']
  return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
          f'<title>Release {_esc(version)}</title><style>{_STYLE}</style></head><body>'
          f'<h1>Release {_esc(version)}</h1><p class="verdict">{_esc(verdict(manifest))}</p>'
          f'<h2>Samples</h2><p>The same seeded inputs (seed {SAMPLE_SEED}, {rows}, '
          f'{SAMPLE_COLUMNS} per row) through every shipped TFLite file, run with LiteRT\'s reference kernels.</p>'
          f'<div class="grids">{images}</div>'
          f'<h2>Gates</h2>{_gate_table(manifest)}'
          f'<h2>Files, parity, latency</h2>{_files_table(manifest, cards)}'
          f'<h2>Training</h2>{_pairs_table(training)}'
          f'<h2>Architecture</h2>{_architecture_section(pictures or {}, not_drawn)}'
          f'<h2>Lineage (ML Metadata ids)</h2>{_pairs_table(manifest.get("lineage", {}))}'
          f'<p><a href="{release.MANIFEST}">{release.MANIFEST}</a> · '
          f'<a href="../{PAGE}">all releases</a></p></body></html>')


def write_version_page(version_dir: str, manifest: dict) -> str:
  """Writes `<version_dir>/index.html` and its sample grids; returns the page's path."""
  cards = _cards(version_dir)
  grids = write_samples(version_dir, list(cards))
  spec = generator_spec.read(release.saved_model_dir(version_dir))
  pictures, not_drawn = architecture(version_dir)
  path = os.path.join(version_dir, PAGE)
  with open(path, 'w') as f:
    f.write(render(manifest, cards, grids, spec, pictures, not_drawn))
  return path


def _remote():
  """artifact_io (tf.io.gfile), imported for URIs only: local pages need no TensorFlow."""
  from components import artifact_io  # pylint: disable=g-import-not-at-top
  return artifact_io


def _listdir(folder: str) -> List[str]:
  return os.listdir(folder) if '://' not in folder else _remote().list_names(folder)


def _isfile(path: str) -> bool:
  return os.path.isfile(path) if '://' not in path else _remote().is_file(path)


def _read(path: str) -> str:
  if '://' in path:
    return _remote().read_text(path)
  with open(path) as f:
    return f.read()


def _versions(serving_dir: str) -> List[str]:
  names = [n for n in _listdir(serving_dir) if n.isdigit()
           and _isfile(os.path.join(serving_dir, n, release.MANIFEST))]
  return sorted(names, key=int, reverse=True)


def render_listing(serving_dir: str) -> str:
  """The listing of a serving folder, local or a URI (gs://)."""
  try:
    latest = _read(os.path.join(serving_dir, release.LATEST)).strip()
  except Exception:  # pylint: disable=broad-except  # none yet (OSError, or TF's NotFoundError)
    latest = None
  rows = []
  for version in _versions(serving_dir):
    manifest = json.loads(_read(os.path.join(serving_dir, version, release.MANIFEST)))
    model = manifest.get('metrics', {}).get('saved_model', {})
    int8 = manifest.get('metrics', {}).get('tflite', {}).get(variants.INT8, {})
    page = f'{version}/{PAGE}'
    link = f'<a href="{_esc(page)}">{_esc(version)}</a>' if _isfile(
        os.path.join(serving_dir, page)) else _esc(version)
    rows.append(f'<tr><td>{link}{" (LATEST)" if version == latest else ""}</td>'
                f'<td>{_esc(manifest.get("preset"))}</td>'
                + ''.join(f'<td>{_number(model.get(k))}</td>' for k, _, _ in METRICS)
                + f'<td>{_number(int8.get("fid"))}</td></tr>')
  header = ''.join(f'<th>{label}</th>' for _, label, _ in METRICS)
  return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Releases</title>'
          f'<style>{_STYLE}</style></head><body><h1>Releases</h1>'
          f'<table><tr><th>version</th><th>preset</th>{header}<th>int8 FID</th></tr>'
          + ''.join(rows) + '</table><p>Metrics of the SavedModel gate; newest first.</p>'
          '</body></html>')


def write_listing(serving_dir: str) -> str:
  """Rewrites `<serving_dir>/index.html`, readers never seeing half a page: locally in one
  rename; on an object store in one object write (it appears whole or not at all)."""
  path = os.path.join(serving_dir, PAGE)
  text = render_listing(serving_dir)
  if '://' in serving_dir:
    _remote().write_text(path, text)  # one object write: whole or not at all
    return path
  aside = os.path.join(serving_dir, f'.{PAGE}-{uuid.uuid4().hex}')
  try:
    with open(aside, 'w') as f:
      f.write(text)
    os.replace(aside, path)
  finally:
    if os.path.exists(aside):
      os.remove(aside)
  return path
