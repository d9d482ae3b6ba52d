"""Reproduces an intermittent LiteRT/XNNPACK defect seen while measuring TFLite parity.

With ai-edge-litert 2.3.0's default XNNPACK delegate, two consecutive invocations of a
generator resized to batch 100 sometimes return a wrong second batch. This script runs, in
fresh processes, each `.tflite` at batch 1 (the reference: never resized) and at batch 100
(two calls; all files in turn in one process, as the exporter did), with and without the
default delegates, and counts the processes whose batch-100 images differ from the
batch-1 ones (max |error| > 0.1).

  .venv/bin/python bench/litert_batch_flake.py --processes 12 --models \
      <fp32 file> <fp16 file> <dynamic_int8 file> <int8 file>   # in the exporter's order
"""
import argparse
import json
import subprocess
import sys

_CHILD = r'''
import json, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
delegate, paths = sys.argv[1] == 'xnnpack', sys.argv[2:]
def runner(path, default_delegates):
  kw = {} if default_delegates else dict(
      experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
  return Interpreter(model_path=path, num_threads=1, **kw).get_signature_runner()
def feed(r):
  inputs = r.get_input_details()
  rng = np.random.default_rng(0)
  f = {'noise': rng.normal(size=(200, inputs['noise']['shape'][1])).astype(np.float32)}
  if 'label' in inputs:
    f['label'] = (np.arange(200) % 10).astype(np.int64)
  return f
# As the exporter measured: one interpreter per file, in turn, two batch-100 calls each.
hundred = {}
for path in paths:
  r = runner(path, delegate)
  f = feed(r)
  hundred[path] = np.concatenate([r(**{k: v[i:i + 100] for k, v in f.items()})['images'].copy()
                                  for i in (0, 100)]).astype(np.float32)
errors = {}
for path in paths:  # reference: batch 1 (never resized), no delegate
  r = runner(path, False)
  f = feed(r)
  one = np.concatenate([r(**{k: v[i:i + 1] for k, v in f.items()})['images']
                        for i in range(200)]).astype(np.float32)
  errors[path] = float(np.abs(hundred[path] - one).max())
print(json.dumps(errors))
'''


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--models', nargs='+', required=True,
                      help='.tflite files, run in this order in each process')
  parser.add_argument('--processes', type=int, default=6)
  args = parser.parse_args()
  paths = args.models
  for mode in ('xnnpack', 'builtin'):
    bad = dict.fromkeys(paths, 0)
    for _ in range(args.processes):
      out = subprocess.run([sys.executable, '-c', _CHILD, mode, *paths], capture_output=True,
                           text=True, check=True).stdout.strip().splitlines()[-1]
      for path, error in json.loads(out).items():
        bad[path] += error > 0.1
    for path, count in bad.items():
      print(f'{mode:8s} {path}: wrong batch-100 results in {count} of {args.processes} processes')


if __name__ == '__main__':
  main()
