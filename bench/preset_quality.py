"""Timed training experiments behind the `dcgan_projection` preset, scored like the gate.

  .venv/bin/python bench/preset_quality.py --classifier DIR [--mnist_dir DIR] \
      [--preset dcgan_projection] [--variant NAME] [--set lr_g=1e-4 ...] \
      [--minutes 8] [--eval-minutes 2] [--n 10000] [--run_dir DIR]

Trains `--preset` (optionally a `VARIANTS` entry of models/presets/dcgan_projection.py, and
`--set key=value` TrainConfig overrides) with the project's loop on all 60,000 IDX training
digits, and every `--eval-minutes` of training scores the EMA generator: N generated images
(N/10 per requested digit, fixed noise) against the first N official test images, with the
gate's own metrics (components/sample_quality/metrics.py over models/sample_statistics.py,
via bench/gate_spread.gate_figures): `fid`, `mnist_score`, `class_accuracy`. One JSON line
per evaluation on stdout, the final sample grid in the run folder.

The judge is the pipeline's classifier contract (a SavedModel with `logits` and `embedding`):
`--classifier DIR` loads it when DIR holds one (e.g. a ClassifierTrainer's Format-Serving
folder from a run), and otherwise trains it there once with the ClassifierTrainer's recipe
(models/classifier_trainer.fit_classifier, the pipeline's CLASSIFIER_TRAIN_STEPS) and
writes its floor.json, so later experiments reuse it. No default: a classifier is
a file the caller chooses, never a path on some machine.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
import tensorflow as tf

from bench import gate_spread
from formats import mnist_idx
from models import data, gate_floor, loop, noise, observe
from models.config import TrainConfig
from models.presets import dcgan_projection
from pipeline import configs

_BATCH = 500


def mnist_dir_from(arg):
  """--mnist_dir, else $MNIST_DIR; neither is an error naming both."""
  path = arg or os.environ.get('MNIST_DIR')
  if not path:
    raise SystemExit('preset_quality: pass --mnist_dir or set MNIST_DIR to the folder with '
                     'the four MNIST gz files')
  return path


def classifier_dir(path, mnist_dir, n):
  """A gate classifier at `path`: loaded when present, else trained there (pipeline recipe)."""
  if os.path.isfile(os.path.join(path, 'saved_model.pb')):
    return path
  if os.path.exists(path) and os.listdir(path):
    raise SystemExit(f'--classifier {path}: not empty and no saved_model.pb there')
  print(f'training the gate classifier into {path} ({configs.CLASSIFIER_TRAIN_STEPS} steps)',
        flush=True)
  gate_spread.train_classifier(mnist_dir, path, seed=0, steps=configs.CLASSIFIER_TRAIN_STEPS,
                               n=n)
  print(f'classifier floor: {json.dumps(gate_floor.read(path))}', flush=True)
  return path


class Scorer:
  """The gate's figures of an in-memory generator against the first `n` real test images."""

  def __init__(self, classifier, mnist_dir, n):
    test_x, _ = mnist_idx.load(mnist_dir, 'test', limit=n)
    self.classifier = classifier
    self.real = gate_spread._unit(test_x)  # pylint: disable=protected-access
    self.labels = (np.arange(len(self.real)) % 10).astype(np.int64)

  def __call__(self, generator, preset, seed=123):
    count = len(self.labels)
    z = noise.sample_noise(preset.noise, [count, preset.noise_dim],
                                   tf.constant([seed, 1], tf.int64))
    fake = np.concatenate([
        observe.to_unit(generator(z[i:i + _BATCH], tf.constant(self.labels[i:i + _BATCH],
                                                               tf.int32), training=False),
                        preset).numpy() for i in range(0, count, _BATCH)])
    return gate_spread.gate_figures(self.classifier, fake, self.real, self.labels)


def parse_sets(pairs):
  """`key=value` overrides; values parse as JSON when they can (numbers, true/false)."""
  out = {}
  for pair in pairs or []:
    if '=' not in pair:
      raise SystemExit(f'--set {pair!r}: expected key=value')
    key, value = pair.split('=', 1)
    try:
      out[key] = json.loads(value)
    except json.JSONDecodeError:
      out[key] = value
  return out


def experiment(args, mnist_dir, scorer):
  overrides = parse_sets(args.set)
  if args.variant:  # architecture variants of dcgan_projection, e.g. spectral norm in D
    overrides['preset'] = 'dcgan_projection'
  config = TrainConfig(**{'preset': args.preset, 'log_interval': 500, 'sample_interval': 0,
                          'checkpoint_interval': 0, **overrides})
  preset = config.effective_preset()
  if args.variant:
    preset = dcgan_projection.variant(preset, args.variant)
  x, y = mnist_idx.load(mnist_dir, 'train')
  run_dir = args.run_dir or tempfile.mkdtemp(prefix=f'preset_quality-{args.preset}-')
  elapsed, steps, rate, results = 0.0, 0, 0.0, []
  while elapsed < args.minutes * 60 - 1:
    # Measure the rate on a short first chunk, then size chunks to eval-minutes.
    chunk = 50 if steps == 0 else max(1, int(rate * args.eval_minutes * 60))
    chunk = min(chunk, max(1, int(rate * (args.minutes * 60 - elapsed)))) if steps else chunk
    start = time.perf_counter()
    dataset = data.numpy_dataset(x, y, preset.batch_size, seed=steps)
    gan = loop.train(config, dataset, steps + chunk, run_dir, preset=preset)
    elapsed += time.perf_counter() - start
    steps += chunk
    rate = steps / elapsed
    if steps > 50:
      results.append({'minutes': round(elapsed / 60, 2), 'steps': steps,
                      'img_per_s': round(steps * preset.batch_size / elapsed),
                      **scorer(gan.export_generator, preset)})
      print(json.dumps({'preset': args.preset, 'variant': args.variant, 'set': overrides,
                        **results[-1]}), flush=True)
  z, labels = observe.fixed_inputs(preset, config.seed)
  images = observe.to_unit(gan.export_generator(z, labels, training=False), preset)
  observe.write_png(os.path.join(run_dir, 'final.png'), observe.grid(images))
  print('final grid:', os.path.join(run_dir, 'final.png'))
  return results


def add_judge_arguments(parser):
  """--classifier and --mnist_dir, for every bench that scores with the gate's figures."""
  parser.add_argument('--classifier', required=True,
                      help='gate classifier SavedModel folder (trained there when absent)')
  parser.add_argument('--mnist_dir', default=None, help='default: $MNIST_DIR')


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  add_judge_arguments(parser)
  parser.add_argument('--preset', default='dcgan_projection')
  parser.add_argument('--variant', default=None, choices=sorted(dcgan_projection.VARIANTS))
  parser.add_argument('--minutes', type=float, default=8)
  parser.add_argument('--eval-minutes', type=float, default=2)
  parser.add_argument('--n', type=int, default=10_000, help='images per side of the FID')
  parser.add_argument('--run_dir', default=None, help='default: a new temporary folder')
  parser.add_argument('--set', action='append', help='TrainConfig override key=value')
  args = parser.parse_args()
  mnist_dir = mnist_dir_from(args.mnist_dir)
  scorer = Scorer(classifier_dir(args.classifier, mnist_dir, args.n), mnist_dir, args.n)
  experiment(args, mnist_dir, scorer)


if __name__ == '__main__':
  main()
