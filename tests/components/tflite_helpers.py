"""Helpers for the TFLite export tests: generator exports, executor runs, LiteRT-only child."""
import os
import subprocess
import sys

import tensorflow as tf
from tfx.types import standard_artifacts

from components.tflite_export import component, executor
from tests.components import tflite_standins

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def export_real_preset(name, model_uri):
  """An untrained generator of preset `name`, exported by models/' own code."""
  from models import export  # pylint: disable=g-import-not-at-top
  from models.presets import get_preset  # pylint: disable=g-import-not-at-top
  preset = get_preset(name)
  tf.random.set_seed(0)
  generator = preset.build_generator()
  generator(tf.zeros([2, preset.noise_dim]), tf.zeros([2], tf.int32))
  export.export_generator(generator, preset, os.path.join(model_uri, 'Format-Serving'))
  return model_uri


def export_standin(kind, model_uri, **kwargs):
  tflite_standins.export(kind, os.path.join(model_uri, 'Format-Serving'), **kwargs)
  return model_uri


def artifacts(model_uri, out_root):
  model = standard_artifacts.Model()
  model.uri = str(model_uri)
  outputs = {}
  for variant in executor.VARIANTS:
    artifact = standard_artifacts.Model()
    artifact.uri = os.path.join(str(out_root), 'TFLiteExport', variant, '7')
    os.makedirs(artifact.uri)  # TFX creates the (empty) output folders before Do
    outputs[variant] = [artifact]
  return {'model': [model]}, outputs


def exec_properties(int8_io=False, min_psnr_db=None, parity_samples=1000, latency_runs=20):
  thresholds = dict(component.DEFAULT_MIN_PSNR_DB, **(min_psnr_db or {}))
  props = {executor.min_psnr_key(v): t for v, t in thresholds.items()}
  props.update({executor.INT8_IO_KEY: int8_io, executor.PARITY_SAMPLES_KEY: parity_samples,
                executor.CALIBRATION_SAMPLES_KEY: 200, executor.SEED_KEY: 0,
                executor.LATENCY_RUNS_KEY: latency_runs})
  return props


def run_do(model_uri, out_root, **kwargs):
  inputs, outputs = artifacts(model_uri, out_root)
  executor.Executor().Do(inputs, outputs, exec_properties(**kwargs))
  return {v: a[0] for v, a in outputs.items()}


def published_files(out_root):
  """Every file under the component's output folders (for 'nothing was published')."""
  found = []
  for folder, _, files in os.walk(os.path.join(str(out_root), 'TFLiteExport')):
    found += [os.path.join(folder, f) for f in files]
  return found


# Child-process code around a body that must run without TensorFlow: first any TF/Keras
# import is made to fail, and at the end nothing of them may have been loaded.
BLOCK_TENSORFLOW = r'''
import sys

class _NoTensorFlow:
  def find_spec(self, name, path=None, target=None):
    if name.split('.')[0].startswith(('tensorflow', 'tf_keras', 'keras')):
      raise ImportError(f'{name} is blocked: the LiteRT runtime must not need TensorFlow')
    return None

sys.meta_path.insert(0, _NoTensorFlow())
'''
ASSERT_NO_TENSORFLOW_LOADED = r'''
loaded = sorted(m for m in sys.modules if m.split('.')[0].startswith(('tensorflow', 'keras')))
assert not loaded, loaded
'''

# Runs in a fresh interpreter; blocks TensorFlow before anything else is imported.
_NO_TF_CHILD = BLOCK_TENSORFLOW + r'''
import numpy as np
from components.tflite_export import litert_runner

data = np.load(sys.argv[1])
label = data['label'] if 'label' in data.files else None
results = {}
for i, path in enumerate(sys.argv[3:]):
  generator = litert_runner.LiteRTGenerator(model_path=path, num_threads=1)
  results[f'images_{i}'] = generator.generate_batched(data['noise'], label)
  results[f'inputs_{i}'] = np.array(generator.input_names)
np.savez(sys.argv[2], **results)
''' + ASSERT_NO_TENSORFLOW_LOADED


def run_without_tensorflow(inputs_npz, outputs_npz, model_paths):
  proc = subprocess.run([sys.executable, '-c', _NO_TF_CHILD, inputs_npz, outputs_npz,
                         *model_paths], cwd=REPO, capture_output=True, text=True,
                        env=dict(os.environ, PYTHONPATH=REPO), timeout=300, check=False)
  assert proc.returncode == 0, proc.stderr[-3000:]
