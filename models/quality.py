"""Sample-quality measurement and the timed experiments behind the `default` preset.

  python -m models.quality classifier                 # train + cache the MNIST classifier
  python -m models.quality experiment --preset default --minutes 10 --eval-minutes 2.5 \
      [--set lr_g=1e-4 ...] [--variant NAME]          # train, measure every eval-minutes

Metrics: `class_acc` = fraction of generated digits the frozen classifier labels as the
requested class (conditional presets); `confidence` = mean max softmax; `fid` = Frechet
distance between classifier embeddings of 10k real test and 10k generated images.
Classifier weights are cached under /tmp, never in the repo.
"""
import argparse
import json
import os
import time

import numpy as np
from scipy import linalg
import tensorflow as tf

from models import classifier as clf
from models import data, loop, mnist_idx, observe
from models.config import TrainConfig
from models.observe import to_unit
from models.presets import default as default_module

CACHE = os.environ.get('GAN_CLASSIFIER_CACHE', '/tmp/mnist_gan_classifier/classifier.weights.h5')
MNIST_DIR = os.environ.get('MNIST_DIR', '/work/shared/data/mnist')


def load_or_train_classifier(mnist_dir=MNIST_DIR, cache=CACHE, epochs=3):
  model = clf.compile_classifier(clf.build_classifier())
  if os.path.exists(cache):
    model.load_weights(cache)
    return model
  x, y = mnist_idx.load(mnist_dir, 'train')
  xt, yt = mnist_idx.load(mnist_dir, 'test')
  scale = lambda a: (a.astype(np.float32) / 255.0)[..., None]
  model.fit(scale(x), y, batch_size=128, epochs=epochs, verbose=2)
  _, acc = model.evaluate(scale(xt), yt, verbose=0)
  print(f'classifier test accuracy {acc:.4f}')
  os.makedirs(os.path.dirname(cache), exist_ok=True)
  model.save_weights(cache)
  return model


def frechet_distance(a, b):
  mu_a, mu_b = a.mean(0), b.mean(0)
  cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  covmean = linalg.sqrtm(cov_a.dot(cov_b)).real
  return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2.0 * covmean))


class Evaluator:
  """Scores a generator against the real test set with the frozen classifier."""

  def __init__(self, mnist_dir=MNIST_DIR, n=10000):
    self.model = clf.with_embedding(load_or_train_classifier(mnist_dir))
    xt, _ = mnist_idx.load(mnist_dir, 'test', limit=n)
    _, self.real_emb = self._predict((xt.astype(np.float32) / 255.0)[..., None])
    self.n = n

  def _predict(self, images):
    logits, emb = self.model.predict(images, batch_size=500, verbose=0)
    return logits, emb

  def __call__(self, generator, preset, seed=123):
    labels = np.arange(self.n) % 10
    z = tf.random.stateless_normal([self.n, preset.noise_dim], [seed, 1]) \
        if preset.noise == 'normal' else \
        tf.random.stateless_uniform([self.n, preset.noise_dim], [seed, 1], -1.0, 1.0)
    images = np.concatenate([
        to_unit(generator(z[i:i + 500], tf.constant(labels[i:i + 500], tf.int32),
                          training=False), preset).numpy() for i in range(0, self.n, 500)])
    logits, emb = self._predict(images)
    probs = tf.nn.softmax(logits).numpy()
    return {'class_acc': float((probs.argmax(1) == labels).mean()),
            'confidence': float(probs.max(1).mean()),
            'fid': frechet_distance(self.real_emb, emb)}


def _parse_sets(pairs):
  out = {}
  for pair in pairs or []:
    key, value = pair.split('=', 1)
    out[key] = json.loads(value) if value[:1].isdigit() or value in ('true', 'false') \
        or value[:1] in '-.' else value
  return out


def experiment(args):
  overrides = _parse_sets(args.set)
  if args.variant:  # architecture variants of the default preset, e.g. spectral norm in D
    overrides['preset'] = 'default'
  config = TrainConfig(**{'preset': args.preset, 'log_interval': 500, 'sample_interval': 0,
                          'checkpoint_interval': 0, **overrides})
  preset = config.effective_preset()
  if args.variant:
    preset = default_module.variant(preset, args.variant)
  x, y = mnist_idx.load(MNIST_DIR, 'train')
  evaluator = Evaluator()
  run_dir = args.run_dir or f'/tmp/gan_exp/{args.preset}_{args.variant or ""}_{int(time.time())}'
  elapsed, steps, results = 0.0, 0, []
  while elapsed < args.minutes * 60 - 1:
    # Measure the rate on a short first chunk, then size chunks to eval-minutes.
    chunk = 50 if steps == 0 else max(1, int(rate * args.eval_minutes * 60))
    chunk = min(chunk, max(1, int(rate * (args.minutes * 60 - elapsed)))) if steps else chunk
    t0 = time.perf_counter()
    ds = data.numpy_dataset(x, y, preset.batch_size, seed=steps)
    gan = loop.train(config, ds, steps + chunk, run_dir, preset=preset)
    elapsed += time.perf_counter() - t0
    steps += chunk
    rate = steps / elapsed
    if steps > 50:
      scores = evaluator(gan.export_generator, preset)
      results.append({'minutes': round(elapsed / 60, 2), 'steps': steps,
                      'img_per_s': round(steps * preset.batch_size / elapsed), **scores})
      print(json.dumps({'preset': args.preset, 'variant': args.variant, 'set': overrides,
                        **results[-1]}), flush=True)
  z, labels = observe.fixed_inputs(preset, config.seed)
  images = observe.to_unit(gan.export_generator(z, labels, training=False), preset)
  observe.write_png(os.path.join(run_dir, 'final.png'), observe.grid(images))
  print('final grid:', os.path.join(run_dir, 'final.png'))
  return results


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('command', choices=['classifier', 'experiment'])
  parser.add_argument('--preset', default='default')
  parser.add_argument('--variant', default=None)
  parser.add_argument('--minutes', type=float, default=10)
  parser.add_argument('--eval-minutes', type=float, default=2.5)
  parser.add_argument('--run-dir', default=None)
  parser.add_argument('--set', action='append')
  args = parser.parse_args()
  if args.command == 'classifier':
    load_or_train_classifier()
  else:
    experiment(args)


if __name__ == '__main__':
  main()
