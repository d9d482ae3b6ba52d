"""Sample quality against training STEPS: one curve per preset/candidate, gate-scored.

  .venv/bin/python bench/quality_curve.py --classifier DIR --candidate default \
      [--steps 6000] [--every 1000] [--cpu_seconds S] [--mnist_dir DIR] [--n 10000] \
      [--out /tmp/quality_curves]
  .venv/bin/python bench/quality_curve.py --classifier DIR --floor   # real train images

Trains a candidate (bench/candidates.py: a registered preset, or one with changes) with
its own compiled step (models/gan.py `Gan.train_step`, the step the pipeline's loop runs;
no checkpoints, grids or TensorBoard between evaluations) on all 60,000 IDX training
digits, and every `--every` steps scores the exported (EMA) generator on N images (N/10
per requested digit, fixed noise) against the first N official test images with the gate
classifier `--classifier` (bench/preset_quality.py loads it, or trains it there with the
ClassifierTrainer's recipe):

  fid, mnist_score, class_accuracy   the gate's own metric code (components/sample_quality/
                                     metrics.py over models/sample_statistics.py)
  precision, recall                  k-NN manifolds (k=3) in the same embedding
                                     (models/manifold_metrics.py)

Steps, not minutes, are the x axis: on a shared machine wall time measures the neighbours.
Each row also records the training's wall and process-CPU seconds so far; the per-step
cost that turns steps into minutes on two idle cores is measured apart, interleaved
(bench/step_cost.py). `--cpu_seconds` stops at an equal compute budget instead, for
presets of very different step cost. One JSON line per evaluation on stdout and in
<out>/<candidate>.jsonl, the final grid (row r = digit r for conditional presets) in
<out>/<candidate>.png.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
import tensorflow as tf

from bench import candidates, preset_quality
from components.sample_quality import classifier_runner, metrics
from formats import mnist_idx
from models import data, gan as gan_lib, manifold_metrics, noise, observe

_GATE_METRICS = (metrics.FrechetDistance, metrics.MnistScore, metrics.ClassAccuracy)
_BATCH = 500


class CurveScorer(preset_quality.Scorer):
  """The gate's three figures plus precision/recall, classifying each image once."""

  def __init__(self, classifier, mnist_dir, n):
    super().__init__(classifier, mnist_dir, n)
    self.real_embedding = self._classify(self.real)[1]

  def _classify(self, images):
    parts = [classifier_runner.classify(self.classifier, images[i:i + _BATCH])
             for i in range(0, len(images), _BATCH)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

  def images(self, generator, preset, seed=123):
    count = len(self.labels)
    z = noise.sample_noise(preset.noise, [count, preset.noise_dim],
                           tf.constant([seed, 1], tf.int64))
    return np.concatenate([
        observe.to_unit(generator(z[i:i + _BATCH], tf.constant(self.labels[i:i + _BATCH],
                                                               tf.int32), training=False),
                        preset).numpy() for i in range(0, count, _BATCH)])

  def __call__(self, generator, preset, seed=123):
    return self.score(self.images(generator, preset, seed))

  def score(self, images):
    """The figures of `images` [N, 28, 28, 1] in [0, 1], drawn for `self.labels`."""
    logits, embedding = self._classify(images)
    figures = {}
    for metric in _GATE_METRICS:
      stats = metric.new_stats()
      metric.update(stats, logits, embedding, self.real_embedding, self.labels)
      figures[metric.default_name] = metric.result(stats)
    figures['precision'], figures['recall'] = manifold_metrics.precision_recall(
        self.real_embedding, embedding)
    return figures


def curve(gan, dataset, scorer, steps, every, label, out_dir, cpu_budget=None):
  """Trains `gan` to `steps` (or until its training used `cpu_budget` process-CPU seconds),
  scoring every `every` steps and at the end; returns the rows."""
  rows, wall, cpu = [], 0.0, 0.0
  batches = iter(dataset)
  step = int(gan.step.numpy())
  with open(os.path.join(out_dir, f'{label}.jsonl'), 'w') as log:
    while step < steps and (cpu_budget is None or cpu < cpu_budget):
      target = min(steps, step + every)
      start_wall, start_cpu = time.perf_counter(), time.process_time()
      while step < target:
        flag = int(gan.train_step(*next(batches))['nonfinite'])
        step += 1
        if flag:
          raise SystemExit(f'{label}: non-finite {gan_lib.nonfinite_kinds(flag)} at step {step}')
        if cpu_budget and step % 25 == 0 and \
            cpu + time.process_time() - start_cpu >= cpu_budget:
          break
      wall += time.perf_counter() - start_wall
      cpu += time.process_time() - start_cpu
      row = {'label': label, 'steps': step, 'train_wall_s': round(wall, 1),
             'train_cpu_s': round(cpu, 1), **scorer(gan.export_generator, gan.preset)}
      rows.append(row)
      print(json.dumps(row), flush=True)
      log.write(json.dumps(row) + '\n')
      log.flush()
  return rows


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  preset_quality.add_judge_arguments(parser)
  parser.add_argument('--candidate', default='default',
                      help='a bench/candidates.py label or a registered preset name')
  parser.add_argument('--steps', type=int, default=6000)
  parser.add_argument('--every', type=int, default=1000)
  parser.add_argument('--n', type=int, default=10_000, help='images per side')
  parser.add_argument('--cpu_seconds', type=float, default=None,
                      help="stop when training used this much process CPU time (an equal "
                           "budget for presets of different step cost)")
  parser.add_argument('--out', default='/tmp/quality_curves')
  parser.add_argument('--threads', type=int, default=2, help='TF intra-op threads')
  parser.add_argument('--floor', action='store_true',
                      help='score the first N real training images instead (the floor)')
  args = parser.parse_args()
  if args.every <= 0 or args.steps < args.every:
    parser.error('need 0 < --every <= --steps')
  tf.config.threading.set_intra_op_parallelism_threads(args.threads)
  tf.config.threading.set_inter_op_parallelism_threads(1)
  mnist_dir = preset_quality.mnist_dir_from(args.mnist_dir)
  scorer = CurveScorer(preset_quality.classifier_dir(args.classifier, mnist_dir, args.n),
                       mnist_dir, args.n)
  if args.floor:
    train_x, _ = mnist_idx.load(mnist_dir, 'train', limit=args.n)
    figures = scorer.score(preset_quality.gate_spread._unit(train_x))  # pylint: disable=protected-access
    figures.pop(metrics.CLASS_ACCURACY_NAME)  # their labels are not the ones scored against
    print(json.dumps({'label': 'floor', 'n': args.n, **figures}))
    return
  config, preset, gan_class = candidates.resolve(args.candidate)
  label = args.candidate
  os.makedirs(args.out, exist_ok=True)
  x, y = mnist_idx.load(mnist_dir, 'train')
  gan = gan_class(preset, config, tf.distribute.get_strategy())
  curve(gan, data.numpy_dataset(x, y, preset.batch_size, seed=config.seed), scorer,
        args.steps, args.every, label, args.out, args.cpu_seconds)
  z, labels = observe.fixed_inputs(preset, config.seed)
  images = observe.to_unit(gan.export_generator(z, labels, training=False), preset)
  observe.write_png(os.path.join(args.out, f'{label}.png'), observe.grid(images))
  print('final grid:', os.path.join(args.out, f'{label}.png'), flush=True)


if __name__ == '__main__':
  main()
