"""SavedModel export: signatures, ranges, stateless `generate`, generator_spec.json, and a
reload in a fresh process that cannot import this project's code."""
import json
import os
import subprocess
import sys

import pytest
import tensorflow as tf

from models import export, gan_trainer
from models.presets import PRESETS
from tests.models.test_presets import make_gan

# Runs in a subprocess where the project's packages cannot be imported: only TF + the SavedModel.
_CHECK = r'''
import json, sys

class _BlockProject:  # the project is pip-installed (editable): block its packages by name
  def find_spec(self, name, path=None, target=None):
    if name.split(".")[0] in ("models", "components", "pipeline"):
      raise ImportError("blocked: " + name)

sys.meta_path.insert(0, _BlockProject())
sys.path = [p for p in sys.path if p and p != REPO]
try:
  import models
  raise SystemExit("project code is importable: " + models.__file__)
except ImportError:
  pass
import numpy as np, tensorflow as tf
out = {}
for path in PATHS:
  spec = json.load(open(path + "/generator_spec.json"))
  m = tf.saved_model.load(path)
  gen = m.signatures["generate"]
  labels = tf.constant([0, 1, 2, 3], tf.int64)
  a = gen(seed=tf.constant(5, tf.int64), labels=labels)["images"].numpy()
  b = gen(seed=tf.constant(5, tf.int64), labels=labels)["images"].numpy()
  c = gen(seed=tf.constant(6, tf.int64), labels=labels)["images"].numpy()
  d = m.generate(tf.constant(5, tf.int64), tf.constant([0, 1, 2, 3], tf.int32))["images"].numpy()
  z = tf.random.normal([3, spec["noise_dim"]])
  kw = {"noise": z}
  if spec["conditional"]:
    kw["label"] = tf.constant([7, 7, 1], tf.int32)
  s = m.signatures["serving_default"](**kw)["images"].numpy()
  web = m.signatures["serving_web"]
  web_specs = web.structured_input_signature[1]
  web_kw = {k: tf.concat([v] * 6, 0)[:16] for k, v in kw.items()}
  w = web(**web_kw)["images"].numpy()
  out[path] = dict(spec=spec, shape=list(a.shape), serve_shape=list(s.shape),
                   dtype=str(a.dtype), lo=float(min(a.min(), s.min())),
                   hi=float(max(a.max(), s.max())), same_seed=bool(np.array_equal(a, b)),
                   other_seed=bool(not np.array_equal(a, c)), int32_ok=bool(np.array_equal(a, d)),
                   inputs=sorted(m.signatures["serving_default"].structured_input_signature[1]),
                   label_dtype=(m.signatures["serving_default"].structured_input_signature[1]
                                ["label"].dtype.name if spec["conditional"] else None),
                   web={k: [v.shape.as_list(), v.dtype.name] for k, v in web_specs.items()},
                   web_matches=bool(np.allclose(w[:3], s, atol=1e-5)))
print(json.dumps(out))
'''


def _load_elsewhere(paths, tmp_path):
  repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
  code = f'REPO = {repo!r}\nPATHS = {paths!r}\n' + _CHECK
  env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
  result = subprocess.run([sys.executable, '-c', code], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=300, check=False)
  assert result.returncode == 0, result.stderr[-3000:]
  return json.loads(result.stdout.strip().splitlines()[-1])


def test_run_fn_and_every_preset_export_load_without_project_code(tfrecord_fn_args, tmp_path):
  fn_args = tfrecord_fn_args({'preset': 'default', 'batch_size': 16, 'sample_interval': 2},
                             train_steps=3)
  gan_trainer.run_fn(fn_args)
  assert os.path.exists(os.path.join(fn_args.model_run_dir, 'samples', 'step_0000002.png'))
  assert tf.io.gfile.glob(os.path.join(fn_args.model_run_dir, 'tensorboard', '*'))
  paths = {'default': fn_args.serving_model_dir}
  for name in sorted(PRESETS):
    if name != 'default':
      paths[name] = export.export_generator(make_gan(name).export_generator, PRESETS[name],
                                            str(tmp_path / 'export' / name))
  results = _load_elsewhere(list(paths.values()), tmp_path)
  for name, path in paths.items():
    r, preset = results[path], PRESETS[name]
    assert r['spec']['preset'] == name and r['spec']['noise_dim'] == preset.noise_dim
    assert r['spec']['conditional'] == preset.conditional
    assert r['spec']['noise']['distribution'] == preset.noise
    assert r['shape'] == [4, 28, 28, 1] and r['serve_shape'] == [3, 28, 28, 1]
    assert r['dtype'] == 'float32' and 0.0 <= r['lo'] <= r['hi'] <= 1.0
    assert r['same_seed'] and r['other_seed'] and r['int32_ok']
    assert r['inputs'] == (['label', 'noise'] if preset.conditional else ['noise'])
    # serving_web: the same function at a fixed batch of 16, label int32 like serving_default.
    expected_web = {'noise': [[16, preset.noise_dim], 'float32']}
    if preset.conditional:
      expected_web['label'] = [[16], 'int32']
      assert r['label_dtype'] == 'int32'
    assert r['web'] == expected_web and r['web_matches'], name


def test_conditional_generate_depends_on_labels(tmp_path):
  gan = make_gan('cdcgan')
  path = export.export_generator(gan.export_generator, PRESETS['cdcgan'], str(tmp_path / 'm'))
  gen = tf.saved_model.load(path).signatures['generate']
  seed = tf.constant(1, tf.int64)
  a = gen(seed=seed, labels=tf.constant([3, 3], tf.int64))['images']
  b = gen(seed=seed, labels=tf.constant([3, 8], tf.int64))['images']
  assert bool(tf.reduce_all(a[0] == b[0])) and not bool(tf.reduce_all(a[1] == b[1]))


@pytest.mark.parametrize('mixed_precision,jit_compile', [(True, False), (False, True)])
def test_gpu_options_run_on_cpu(mnist_small, mixed_precision, jit_compile):
  """Mixed precision (loss-scaled) and XLA take the same code path; here on CPU."""
  from tests.models.conftest import batch  # pylint: disable=g-import-not-at-top
  gan = make_gan('mlp', batch_size=8, mixed_precision=mixed_precision, jit_compile=jit_compile)
  for i in range(2):
    metrics = gan.train_step(*batch(mnist_small, 8, 8 * i))
  assert int(metrics.pop('nonfinite')) == 0
  assert all(bool(tf.math.is_finite(v)) for v in metrics.values())
  assert int(gan.g_opt.iterations.numpy()) == 2
  if mixed_precision:
    assert gan.generator.hidden.compute_dtype == 'float16'
