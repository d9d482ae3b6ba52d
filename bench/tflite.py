"""Benchmark: TFLite variants of each preset's generator - size, latency, parity.

For each preset the generator is built (and optionally trained a few steps) with models/'
own code, exported, and converted by TFLiteExport's executor (parity on 1,000 seeded inputs
vs the SavedModel; thresholds off so every figure is reported). Latency is then measured
with LiteRT per image at batch 1 and 64, on 1 and 2 threads (median of --runs calls).
Prints a Markdown table.

  .venv/bin/python bench/tflite.py [--presets default,mlp] [--train_steps 300] \
      [--mnist_dir ../shared/data/mnist] [--runs 200] [--output /tmp/bench_tflite]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=wrong-import-position
import numpy as np
import tensorflow as tf
from tfx.types import standard_artifacts
from tfx.utils import path_utils

from components.tflite_export import executor, generator_inputs, litert_runner
from components.tflite_export.defaults import DEFAULT_CALIBRATION_SAMPLES, DEFAULT_PARITY_SAMPLES
from formats import mnist_idx, variants
from models import export, loop
from models.config import TrainConfig
from models.data import numpy_dataset
from models.presets import PRESETS, get_preset

_GOAL_SIZE_RATIO, _GOAL_MS = 3.5, 1.0


def build_and_export(preset_name, model_uri, train_steps, mnist_dir):
  """Exports an untrained (train_steps=0) or briefly trained generator of the preset."""
  preset = get_preset(preset_name)
  serving = os.path.join(model_uri, 'Format-Serving')
  if train_steps:
    config = TrainConfig(preset=preset_name, sample_interval=0, checkpoint_interval=0,
                         summary_interval=0, log_interval=max(train_steps, 1))
    images, labels = mnist_idx.load(mnist_dir, 'train', limit=20_000)
    dataset = numpy_dataset(images, labels, preset.batch_size)
    start = time.time()
    gan = loop.train(config, dataset, train_steps, os.path.join(model_uri, 'run'))
    print(f'# {preset_name}: trained {train_steps} steps in {time.time() - start:.0f} s',
          flush=True)
    export.export_generator(gan.export_generator, preset, serving)
  else:
    generator = preset.build_generator()
    generator(tf.zeros([2, preset.noise_dim]), tf.zeros([2], tf.int32))
    export.export_generator(generator, preset, serving)
  return model_uri


def convert(model_uri, out_root, int8_io):
  model = standard_artifacts.Model()
  model.uri = model_uri
  outputs = {}
  for variant in variants.TFLITE_VARIANTS:
    outputs[variant] = standard_artifacts.Model()
    outputs[variant].uri = os.path.join(out_root, variant)
    os.makedirs(outputs[variant].uri)
  props = {executor.INT8_IO_KEY: int8_io, executor.PARITY_SAMPLES_KEY: DEFAULT_PARITY_SAMPLES,
           executor.CALIBRATION_SAMPLES_KEY: DEFAULT_CALIBRATION_SAMPLES, executor.SEED_KEY: 0,
           executor.LATENCY_RUNS_KEY: 20}  # no min_psnr_db_*: report, don't gate
  start = time.time()
  executor.Executor().Do({'model': [model]}, {v: [a] for v, a in outputs.items()}, props)
  return outputs, time.time() - start


def latencies(path, spec, runs):
  """ms per image for (batch, threads) in {1, 64} x {1, 2}."""
  result = {}
  for batch in (1, 64):
    noise, labels = generator_inputs.inputs(spec, batch, seed=7)
    for threads in (1, 2):
      generator = litert_runner.LiteRTGenerator(model_path=path, num_threads=threads)
      n = max(runs // batch * 4, 20) if batch > 1 else runs
      result[(batch, threads)] = generator.latency_ms(noise, labels, runs=n) / batch
  return result


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--presets', default=','.join(PRESETS))
  parser.add_argument('--train_steps', type=int, default=0,
                      help='train each preset this many steps first (0: untrained weights)')
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR', '../shared/data/mnist'))
  parser.add_argument('--int8_io', action='store_true', help='int8 variant with int8 I/O')
  parser.add_argument('--runs', type=int, default=200)
  parser.add_argument('--output', default=None)
  args = parser.parse_args()
  output = args.output or tempfile.mkdtemp(prefix='bench_tflite_')
  shutil.rmtree(output, ignore_errors=True)
  rows = []
  for name in args.presets.split(','):
    model_uri = build_and_export(name, os.path.join(output, name, 'model'), args.train_steps,
                                 args.mnist_dir)
    outputs, seconds = convert(model_uri, os.path.join(output, name, 'tflite'), args.int8_io)
    print(f'# {name}: 4 variants converted, checked and measured in {seconds:.1f} s', flush=True)
    spec = generator_inputs.read_spec(path_utils.serving_model_path(model_uri))
    sizes = {}
    for variant, artifact in outputs.items():
      path = os.path.join(path_utils.serving_model_dir(artifact.uri), 'tflite')
      sizes[variant] = os.path.getsize(path)
      lat = latencies(path, spec, args.runs)
      rows.append([name, variant, f'{sizes[variant] / 1e6:.3f}',
                   f'{sizes["fp32"] / sizes[variant]:.2f}x',
                   *[f'{lat[k]:.3f}' for k in ((1, 1), (1, 2), (64, 1), (64, 2))],
                   f'{artifact.get_float_custom_property("parity_psnr_db"):.1f}',
                   f'{artifact.get_float_custom_property("parity_max_abs_error"):.2g}',
                   f'{artifact.get_float_custom_property("parity_mean_abs_error"):.2g}'])
  header = ['preset', 'variant', 'size MB', 'fp32/size', 'ms/img b1 t1', 'b1 t2', 'b64 t1',
            'b64 t2', 'PSNR dB', 'max abs err', 'mean abs err']
  print('\n| ' + ' | '.join(header) + ' |\n|' + '---|' * len(header))
  for row in rows:
    print('| ' + ' | '.join(row) + ' |')
  print(f'\nGoals: int8 >= {_GOAL_SIZE_RATIO}x smaller than fp32; <= {_GOAL_MS} ms/image at '
        f'batch 1 on one thread for `default`. Output kept in {output}')


if __name__ == '__main__':
  main()
