"""Benchmark: full MNIST ingest (70,000 examples) plus statistics and validation.

Runs the ingest part of the pipeline through LocalDagRunner in a fresh output folder and
prints wall time and examples/s, with and without TFDS preparation.

  .venv/bin/python bench/ingest.py --mnist_dir ../shared/data/mnist [--output /tmp/bench]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from components.tfds_example_gen import executor  # pylint: disable=wrong-import-position
from tests.support import pipelines  # pylint: disable=wrong-import-position

_TOTAL = 70_000


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR'),
                      help='folder with the four MNIST gz files (default: $MNIST_DIR)')
  parser.add_argument('--output', default=None, help='scratch folder (default: a temp dir)')
  args = parser.parse_args()
  output = args.output or tempfile.mkdtemp(prefix='bench_ingest_')
  shutil.rmtree(output, ignore_errors=True)
  tfds_dir = os.path.join(output, 'tfds')

  start = time.perf_counter()
  executor.prepare_builder('mnist', tfds_dir, args.mnist_dir)
  prepared = time.perf_counter()
  paths = pipelines.Paths(os.path.join(output, 'out'))
  pipelines.run(pipelines.ingest_pipeline(paths, tfds_dir, args.mnist_dir, name='bench_ingest'))
  done = time.perf_counter()

  pipeline_seconds = done - prepared
  print(f'TFDS preparation:                  {prepared - start:7.1f} s')
  print(f'ExampleGen + stats + validation:   {pipeline_seconds:7.1f} s  '
        f'({_TOTAL / pipeline_seconds:,.0f} examples/s)')
  print(f'Total wall time:                   {done - start:7.1f} s  '
        f'({_TOTAL / (done - start):,.0f} examples/s)')


if __name__ == '__main__':
  main()
