"""formats/ is TF-free: importing any of its modules loads no TensorFlow, TFX or Keras.

Each module is imported in a fresh interpreter, since this test process has long loaded
TensorFlow through other tests. New modules are found by listing the package, so a module
added later is checked without editing this file.
"""
import json
import os
import pkgutil
import subprocess
import sys

import pytest

import formats

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_HEAVY = ('tensorflow', 'tfx', 'keras')
_MODULES = sorted(f'formats.{info.name}' for info in pkgutil.iter_modules(formats.__path__))

_PROBE = '''
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:]))))
'''


def test_the_package_has_modules():
  assert 'formats.examples' in _MODULES and 'formats.mnist_idx' in _MODULES, _MODULES


@pytest.mark.parametrize('module', ['formats'] + _MODULES)
def test_importing_loads_no_tensorflow(module):
  result = subprocess.run([sys.executable, '-c', _PROBE, module, *_HEAVY], cwd=_REPO,
                          capture_output=True, text=True, timeout=120, check=False)
  assert result.returncode == 0, f'import {module} failed:\n{result.stderr}'
  loaded = json.loads(result.stdout.strip().splitlines()[-1])
  assert not loaded, f'import {module} loads {loaded}; formats/ must stay TF-free'
