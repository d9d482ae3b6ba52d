"""Per-step training cost of candidates, measured against each other in alternating blocks.

  .venv/bin/python bench/step_cost.py --candidates default,hinge,cbn,wide48,batch128,r1 \
      [--blocks 15] [--block_steps 20] [--mnist_dir DIR]

Builds one Gan per candidate (bench/candidates.py) and runs `--block_steps` compiled training
steps of each in turn, `--blocks` times (block 0 traces and is not counted), reading the
non-finite flag and losses every step as the loop does. On a shared machine a candidate's
absolute time drifts with its neighbours, but blocks a few seconds apart see the same load,
so the ratio to the first candidate is what to use: with a reference time per step of the
first candidate on an idle machine, `steps x ratio x reference` estimates a candidate's
training time there (docs/quality.md does this with the full run's GAN Trainer time).
Prints the median ms/step and the ratio to the first candidate.
"""
import argparse
import dataclasses
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
import tensorflow as tf

from bench import candidates, preset_quality
from formats import mnist_idx
from models import data


def median_step_seconds(gans, datasets, blocks, block_steps):
  iterators = {label: iter(ds) for label, ds in datasets.items()}
  per_step = {label: [] for label in gans}
  for block in range(blocks + 1):  # block 0 traces and warms up
    for label, gan in gans.items():
      start = time.perf_counter()
      for _ in range(block_steps):
        metrics = gan.train_step(*next(iterators[label]))
        int(metrics.pop('nonfinite')), [float(v) for v in metrics.values()]
      if block:
        per_step[label].append((time.perf_counter() - start) / block_steps)
  return {label: statistics.median(times) for label, times in per_step.items()}


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  parser.add_argument('--candidates', default='default,hinge,cbn,wide48,batch128,r1')
  parser.add_argument('--blocks', type=int, default=15)
  parser.add_argument('--block_steps', type=int, default=20)
  parser.add_argument('--mnist_dir', default=None, help='default: $MNIST_DIR')
  args = parser.parse_args()
  images, labels = mnist_idx.load(preset_quality.mnist_dir_from(args.mnist_dir), 'train',
                                  limit=20000)
  gans, datasets, batches = {}, {}, {}
  for label in args.candidates.split(','):
    config, preset, gan_class = candidates.resolve(label)
    # Time the full step: D pre-training (dcgan_tutorial's first 300 steps) is D-only.
    preset = dataclasses.replace(preset, d_pretrain_steps=0)
    gans[label] = gan_class(preset, config, tf.distribute.get_strategy())
    datasets[label] = data.numpy_dataset(images, labels, preset.batch_size, seed=0)
    batches[label] = preset.batch_size
  times = median_step_seconds(gans, datasets, args.blocks, args.block_steps)
  first = next(iter(times))
  print(f'{"candidate":16s} {"batch":>5s} {"ms/step":>8s} {"img/s":>7s} {"x " + first:>12s}')
  for label, seconds in times.items():
    print(f'{label:16s} {batches[label]:5d} {seconds * 1e3:8.2f} {batches[label] / seconds:7.0f} '
          f'{seconds / times[first]:12.2f}', flush=True)


if __name__ == '__main__':
  main()
