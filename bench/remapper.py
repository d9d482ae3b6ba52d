"""Does grappler's "remapper failed" message cost the GAN step anything?

  MNIST_DIR=/work/shared/data/mnist .venv/bin/python bench/remapper.py [--preset default]
      [--rounds 3] [--steps 150]

Every trace of a GAN training step logs `remapper failed: INVALID_ARGUMENT: Mutation::Apply
error: fanout '.../LeakyRelu_1/LeakyReluGrad' exist for missing node '.../BiasAdd'`: the
op-fusion pass fused a Conv2D + BiasAdd + LeakyRelu of D whose BiasAdd output the gradient
still needs, the graph mutation is refused, and the meta optimizer keeps that function's
graph as it was before the pass. So the step runs without the remapper's fusions. This
times the step (bench/train_throughput.py's loops: ours with all machinery, and the
tensorflow.org loop) in child processes with the remapper on (TF's default, where it fails)
and off (`tf.config.optimizer.set_experimental_options({'remapping': False})`), alternating
so a shared machine's drifts hit both, and counts the message in each child's stderr. Equal
speeds with the message only when on mean the failed pass is a no-op for the step: nothing
is lost against TF without the pass, and the message is noise.
"""
import argparse
import os
import statistics
import subprocess
import sys

_CHILD = r'''
import os, sys
sys.path.insert(0, os.path.join({root!r}, 'bench'))
sys.path.insert(0, {root!r})
import tensorflow as tf
if not {remapping}:
  tf.config.optimizer.set_experimental_options({{'remapping': False}})
import train_throughput as tt
from formats import mnist_idx
from models import data
from models.config import TrainConfig
images, labels = mnist_idx.load({mnist!r}, 'train', limit=20000)
preset = TrainConfig(preset={preset!r}).effective_preset()
ds = data.numpy_dataset(images, labels, preset.batch_size, seed=0)
print('ours', tt.time_ours({preset!r}, ds, {steps}, 50))
print('plain', tt.time_plain(preset, ds, {steps}, 50))
'''
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _child(remapping: bool, args) -> dict:
  code = _CHILD.format(root=_ROOT, remapping=remapping, mnist=args.mnist_dir,
                       preset=args.preset, steps=args.steps)
  result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          check=True)
  figures = dict(line.split() for line in result.stdout.splitlines() if line.count(' ') == 1)
  figures = {k: float(v) for k, v in figures.items()}
  figures['messages'] = result.stderr.count('remapper failed')
  return figures


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--preset', default='default')
  parser.add_argument('--rounds', type=int, default=3)
  parser.add_argument('--steps', type=int, default=150)
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR'))
  args = parser.parse_args()
  if not args.mnist_dir:
    parser.error('give --mnist_dir or MNIST_DIR (the four MNIST gz files)')
  runs = {True: [], False: []}
  for _ in range(args.rounds):
    for remapping in (True, False):
      runs[remapping].append(_child(remapping, args))
      print(f'remapping {"on " if remapping else "off"}: {runs[remapping][-1]}', flush=True)
  for remapping, figures in runs.items():
    print(f'{args.preset} remapping {"on " if remapping else "off"}: ' + '  '.join(
        f'{k} {statistics.median(f[k] for f in figures):.0f} img/s' for k in ('ours', 'plain'))
          + f'  messages per process {figures[0]["messages"]}')


if __name__ == '__main__':
  main()
