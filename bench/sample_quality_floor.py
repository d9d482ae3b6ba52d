"""The floor of the sample-quality metrics: real images scored like generated ones.

FID between N real training images and the N official test images (the eval split) in the
pipeline classifier's embedding, plus the MNIST score and classifier accuracy of the real
test images. A generator can't be expected to beat these figures at the same N.

  .venv/bin/python bench/sample_quality_floor.py --classifier <ClassifierTrainer model dir> \
      [--mnist_dir ../shared/data/mnist] [--n 10000]

Without --classifier, the newest ClassifierTrainer model under tfx_output/pipeline_root.
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from components.sample_quality import classifier_runner  # pylint: disable=wrong-import-position
from formats import examples, mnist_idx  # pylint: disable=wrong-import-position
from models import gate_floor  # pylint: disable=wrong-import-position


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--classifier', default=None)
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR', '../shared/data/mnist'))
  parser.add_argument('--n', type=int, default=10_000)
  args = parser.parse_args()
  path = args.classifier or max(
      glob.glob('tfx_output/pipeline_root/ClassifierTrainer/model/*/Format-Serving'),
      key=os.path.getmtime)
  train_x, _ = mnist_idx.load(args.mnist_dir, 'train', limit=args.n)
  test_x, test_y = mnist_idx.load(args.mnist_dir, 'test', limit=args.n)
  # The pipeline's own floor computation (what the ClassifierTrainer writes to floor.json).
  floor = gate_floor.measure(lambda x: classifier_runner.classify(path, x),
                             examples.to_unit_images(train_x), examples.to_unit_images(test_x),
                             test_y)
  print(f'classifier: {path}')
  print(f'N={args.n}  FID(real train, real test)={floor["fid"]:.3f}  MNIST score(real test)='
        f'{floor["mnist_score"]:.3f}  classifier accuracy(real test)='
        f'{floor["class_accuracy"]:.4f}')


if __name__ == '__main__':
  main()
