"""Run-to-run spread of the gate's figures: what the thresholds must tolerate, measured.

Two sources of spread, each at the pipeline's N (10,000 generated vs 10,000 real eval
images) and with the gate's own metric code (components/sample_quality/metrics.py over
models/sample_statistics.py), so the figures are the ones the Evaluator computes:

  noise       one trained generator, one classifier, several noise seeds (what a
              re-evaluation of the same model, e.g. the baseline with its own noise, sees)
  classifier  the same generator and noise, the classifier retrained with other seeds
              (the pipeline retrains it whenever its examples change), each with its floor
              (models/gate_floor.py: real train vs real eval with that classifier)

  .venv/bin/python bench/gate_spread.py [--generator <exported SavedModel dir>] \
      [--mnist_dir ../shared/data/mnist] [--work /tmp/gate_spread] [--train_steps N] \
      [--noise_seeds 0,1,2,3,4] [--classifier_seeds 0,1,2] [--classifier_steps N] [--n N] \
      [--threads 2]

--train_steps, --classifier_steps and --n default to the pipeline's TRAIN_STEPS,
CLASSIFIER_TRAIN_STEPS and EVAL_SAMPLES (pipeline/configs.py).

Without --generator it trains the pipeline's preset (pipeline/configs.py PRESET) for
--train_steps with the project's loop (models/loop.py, all 60,000 training digits) and
exports it with models/export.py into
<work>/generator; classifiers go to <work>/classifier_seed<S>. Both are reused when present
(delete them to retrain). Results: a table on stdout and <work>/spread.json.
"""
import argparse
import json
import os
import statistics as stats
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
import tensorflow as tf

from components.sample_quality import classifier_runner as classifier_lib
from components.sample_quality import metrics
from components.tflite_export import generator_inputs
from formats import examples as example_layout
from formats import mnist_idx
from models import classifier as clf
from models import classifier_trainer, data, export, gate_floor, loop
from models.config import TrainConfig
from pipeline import configs

_METRICS = {metrics.FID_NAME: metrics.FrechetDistance, metrics.MNIST_SCORE_NAME: metrics.MnistScore,
            metrics.CLASS_ACCURACY_NAME: metrics.ClassAccuracy}


def _unit(images_uint8):
  return example_layout.to_unit_images(images_uint8)


def train_generator(mnist_dir, out_dir, steps):
  config = TrainConfig(preset=configs.PRESET, sample_interval=0, summary_interval=0)
  preset = config.effective_preset()
  x, y = mnist_idx.load(mnist_dir, 'train')
  run_dir = out_dir + '_run'  # checkpoints: an interrupted bench resumes
  gan = loop.train(config, data.numpy_dataset(x, y, preset.batch_size, seed=config.seed), steps,
                   run_dir)
  export.export_generator(gan.export_generator, preset, out_dir)
  return out_dir


def train_classifier(mnist_dir, out_dir, seed, steps, n):
  """The pipeline's classifier recipe (classifier_trainer.fit_classifier) with `seed`."""
  config = classifier_trainer.ClassifierConfig(seed=seed)
  x, y = mnist_idx.load(mnist_dir, 'train')
  dataset = data.numpy_dataset(x, y, config.batch_size, config.shuffle_buffer, seed=seed)
  model = classifier_trainer.fit_classifier(dataset, config, steps)
  module = classifier_trainer.ClassifierModule(clf.with_embedding(model))
  tf.saved_model.save(module, out_dir, signatures={'serving_default': module.serve})
  test_x, test_y = mnist_idx.load(mnist_dir, 'test', limit=n)
  floor = gate_floor.measure(lambda images: classifier_lib.classify(out_dir, images),
                             _unit(x[:n]), _unit(test_x), test_y)
  gate_floor.write(out_dir, floor)
  return out_dir


def generated(generator_dir, labels, seed):
  """The generator's images for the eval labels, with the pipeline's seeded noise draw."""
  spec = generator_inputs.read_spec(generator_dir)
  serve = tf.saved_model.load(generator_dir).signatures['serving_default']
  noise = generator_inputs.noise(spec, len(labels), seed)
  images = []
  for start in range(0, len(labels), 500):
    feed = {'noise': tf.constant(noise[start:start + 500])}
    if spec['conditional']:
      label_dtype = serve.structured_input_signature[1]['label'].dtype  # int32; older int64
      feed['label'] = tf.constant(labels[start:start + 500], label_dtype)
    images.append(serve(**feed)['images'].numpy())
  return np.concatenate(images)


def gate_figures(classifier_dir, fake, real, labels):
  """fid / mnist_score / class_accuracy exactly as the TFMA metrics fold them (batch 256)."""
  figures = {}
  for name, metric in _METRICS.items():
    state = metric.new_stats()
    for start in range(0, len(labels), 256):
      fake_logits, fake_embedding = classifier_lib.classify(classifier_dir, fake[start:start + 256])
      real_embedding = (classifier_lib.classify(classifier_dir, real[start:start + 256])[1]
                        if metric.needs_real else None)
      metric.update(state, fake_logits, fake_embedding, real_embedding, labels[start:start + 256])
    figures[name] = metric.result(state)
  return figures


def _summary(rows, key):
  values = [r[key] for r in rows]
  spread = {'mean': stats.mean(values), 'min': min(values), 'max': max(values)}
  spread['stdev'] = stats.stdev(values) if len(values) > 1 else 0.0
  spread['range_rel'] = (spread['max'] - spread['min']) / spread['mean']
  return spread


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--generator', default=None)
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR', '../shared/data/mnist'))
  parser.add_argument('--work', default='/tmp/gate_spread')
  parser.add_argument('--train_steps', type=int, default=configs.TRAIN_STEPS)
  parser.add_argument('--noise_seeds', default='0,1,2,3,4')
  parser.add_argument('--classifier_seeds', default='0,1,2')
  parser.add_argument('--classifier_steps', type=int,
                      default=configs.CLASSIFIER_TRAIN_STEPS)
  parser.add_argument('--n', type=int, default=configs.EVAL_SAMPLES)
  parser.add_argument('--threads', type=int, default=2, help='TF intra-op threads')
  args = parser.parse_args()
  tf.config.threading.set_intra_op_parallelism_threads(args.threads)
  tf.config.threading.set_inter_op_parallelism_threads(1)
  os.makedirs(args.work, exist_ok=True)
  generator = args.generator or os.path.join(args.work, 'generator')
  if not os.path.isfile(os.path.join(generator, 'saved_model.pb')):
    if args.generator:
      raise SystemExit(f'--generator {generator}: no saved_model.pb there')
    train_generator(args.mnist_dir, generator, args.train_steps)
  noise_seeds = [int(s) for s in args.noise_seeds.split(',')]
  classifier_seeds = [int(s) for s in args.classifier_seeds.split(',')]
  classifiers = {}
  for seed in classifier_seeds:
    path = os.path.join(args.work, f'classifier_seed{seed}')
    if not os.path.isfile(os.path.join(path, gate_floor.FLOOR_FILE)):
      train_classifier(args.mnist_dir, path, seed, args.classifier_steps, args.n)
    classifiers[seed] = path
  test_x, test_y = mnist_idx.load(args.mnist_dir, 'test', limit=args.n)
  real, labels = _unit(test_x), test_y.astype(np.int64)
  fakes = {seed: generated(generator, labels, seed) for seed in noise_seeds}
  noise_rows, classifier_rows = [], []
  first = classifier_seeds[0]
  for seed in noise_seeds:
    noise_rows.append({'noise_seed': seed, 'classifier_seed': first,
                       **gate_figures(classifiers[first], fakes[seed], real, labels)})
  for seed in classifier_seeds:
    floor = gate_floor.read(classifiers[seed])
    row = noise_rows[0] if seed == first else {
        'noise_seed': noise_seeds[0], 'classifier_seed': seed,
        **gate_figures(classifiers[seed], fakes[noise_seeds[0]], real, labels)}
    classifier_rows.append({**row, **{f'floor_{k}': floor[k] for k in gate_floor.METRIC_KEYS},
                            'fid_over_floor': row['fid'] / floor['fid'],
                            'mnist_score_of_floor': row['mnist_score'] / floor['mnist_score'],
                            'class_accuracy_of_floor':
                                row['class_accuracy'] / floor['class_accuracy']})
  result = {
      'generator': generator, 'n': args.n, 'noise': noise_rows, 'classifier': classifier_rows,
      'noise_spread': {k: _summary(noise_rows, k) for k in _METRICS},
      'classifier_spread': {k: _summary(classifier_rows, k) for k in
                            list(_METRICS) + [f'floor_{m}' for m in gate_floor.METRIC_KEYS] +
                            ['fid_over_floor', 'mnist_score_of_floor', 'class_accuracy_of_floor']},
  }
  with open(os.path.join(args.work, 'spread.json'), 'w') as f:
    json.dump(result, f, indent=2)
  print(f'generator {generator}, N={args.n}')
  for row in noise_rows + classifier_rows[1:]:
    print('  ' + '  '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}'
                           for k, v in row.items()))
  for part in ('noise_spread', 'classifier_spread'):
    print(part)
    for key, s in result[part].items():
      print(f'  {key:24s} mean {s["mean"]:.4f}  min {s["min"]:.4f}  max {s["max"]:.4f}  '
            f'stdev {s["stdev"]:.4f}  (max-min)/mean {s["range_rel"]:.2%}')
  print(f'written: {os.path.join(args.work, "spread.json")}')


if __name__ == '__main__':
  main()
