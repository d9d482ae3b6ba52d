"""What the release's gates cost: seconds per component execution of one pipeline run.

Runs the whole pipeline once in a fresh folder (short GAN and classifier training, all four
gates at --eval_samples) and prints, from ML Metadata, how long each execution took, so the
cost of the SavedModel gate and of each TFLite variant's gate can be read at a given N.

  MNIST_DIR=../shared/data/mnist .venv/bin/python bench/release_gates.py \
      [--eval_samples N (default: the pipeline's EVAL_SAMPLES)] [--train_steps 50] \
      [--out /tmp/release_gates]

The eval split has 10,000 examples, so --eval_samples above that evaluates 10,000.
"""
import argparse
import dataclasses
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ml_metadata import metadata_store  # pylint: disable=wrong-import-position
from tfx import v1 as tfx  # pylint: disable=wrong-import-position

from pipeline import configs  # pylint: disable=wrong-import-position
from pipeline import pipeline as pipeline_lib  # pylint: disable=wrong-import-position


def _durations(connection_config):
  """(component id, seconds) per execution, in execution order."""
  store = metadata_store.MetadataStore(connection_config)
  contexts = {c.id: c.name for c in store.get_contexts_by_type('node')}
  rows = []
  for execution in sorted(store.get_executions(), key=lambda e: e.id):
    [node] = [contexts[c.id] for c in store.get_contexts_by_execution(execution.id)
              if c.id in contexts] or ['?']
    seconds = (execution.last_update_time_since_epoch -
               execution.create_time_since_epoch) / 1000.0
    rows.append((node.split('.')[-1], seconds))
  return rows


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR', '../shared/data/mnist'))
  parser.add_argument('--eval_samples', type=int, default=configs.EVAL_SAMPLES)
  parser.add_argument('--train_steps', type=int, default=50)
  parser.add_argument('--out', default='/tmp/release_gates')
  args = parser.parse_args()
  shutil.rmtree(args.out, ignore_errors=True)
  connection = tfx.orchestration.metadata.sqlite_metadata_connection_config(
      os.path.join(args.out, 'metadata.sqlite'))
  # Open thresholds: every gate runs to the end whatever the short training reached.
  gate = configs.GateThresholds(**{f.name: 0.0 if f.name.startswith('min_') else 1e9
                                    for f in dataclasses.fields(configs.GateThresholds)})
  started = time.perf_counter()
  tfx.orchestration.LocalDagRunner().run(pipeline_lib.create_pipeline(
      pipeline_name='bench_release_gates', pipeline_root=os.path.join(args.out, 'root'),
      tfds_data_dir=os.path.join(args.out, 'tfds'), schema_path=configs.SCHEMA_PATH,
      serving_dir=os.path.join(args.out, 'serving'), metadata_connection_config=connection,
      manual_dir=os.path.abspath(args.mnist_dir), beam_pipeline_args=configs.BEAM_PIPELINE_ARGS,
      train_steps=args.train_steps, classifier_train_steps=200, classifier_min_accuracy=0.0,
      gate=gate, eval_samples=args.eval_samples, tflite_parity_samples=200))
  total = time.perf_counter() - started
  print(f'eval_samples={args.eval_samples}: whole run {total:.1f} s')
  for node, seconds in _durations(connection):
    print(f'  {node:32s} {seconds:7.1f} s')


if __name__ == '__main__':
  main()
