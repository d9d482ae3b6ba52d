"""The gates' time in each of Beam's DirectRunner modes, on an existing run's artifacts.

  MNIST_DIR=/work/shared/data/mnist .venv/bin/python bench/gate_modes.py \
      --output_dir /tmp/wr --modes in_memory,multi_processing --rounds 2

Re-runs only the Evaluators (the SavedModel gate and one per gated TFLite variant) of the
pipeline `bench/whole_run.py` (or `make run`) ran under `--output_dir`, as a TFX partial
run (`RunOptions(from_nodes, to_nodes)`: their inputs are the latest run's artifacts),
with the cache off, once per mode per round, modes alternating so both see the same load.
Prints each Evaluator's seconds from ML Metadata. Nothing is pushed (the pusher is not in
the partial run); the folder's ML Metadata gains these runs, whose gate blessings no
release or baseline query follows (the baseline follows the pusher's blessing). Timings belong here, never in tests (docs/benchmarks.md).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=wrong-import-position
from tfx.orchestration import pipeline as pipeline_lib
from tfx.orchestration.local import local_dag_runner

from bench import whole_run
from formats.variants import GATED_VARIANTS
from pipeline import local_pipeline
from pipeline import pipeline as pipeline_wiring

_GATES = ['Evaluator'] + [pipeline_wiring.tflite_gate_id(v) for v in GATED_VARIANTS]


def run_gates(output_dir: str, mode: str) -> dict:
  """{gate id: seconds} of one partial run of the gates with BEAM_RUNNING_MODE=mode."""
  environ = dict(os.environ, BEAM_RUNNING_MODE=mode)
  gates_pipeline = local_pipeline.create_local_pipeline(output_dir, environ, folders_here=True)
  gates_pipeline.enable_cache = False  # a rerun must run, not find the last run's outputs
  start = time.monotonic()
  local_dag_runner.LocalDagRunner().run(
      gates_pipeline, run_options=pipeline_lib.RunOptions(from_nodes=_GATES, to_nodes=_GATES))
  wall = time.monotonic() - start
  _, rows = whole_run.stage_split(local_pipeline.output_paths(output_dir)['metadata_path'])
  seconds = {node: stop - begin for node, begin, stop, _ in rows if node in _GATES}
  missing = sorted(set(_GATES) - set(seconds))
  if missing:
    raise SystemExit(f'{output_dir}: the partial run recorded no execution of {missing}')
  return dict(seconds, wall=wall)


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--output_dir', required=True,
                      help='a folder a whole pipeline run wrote (make run OUTPUT_DIR=)')
  parser.add_argument('--modes', default='in_memory,multi_processing',
                      help='comma-separated BEAM_RUNNING_MODE values, run in turn')
  parser.add_argument('--rounds', type=int, default=1)
  args = parser.parse_args()
  output_dir = os.path.abspath(args.output_dir)
  results = []
  for round_index in range(args.rounds):
    for mode in args.modes.split(','):
      load = os.getloadavg()[0]
      seconds = run_gates(output_dir, mode)
      results.append((round_index + 1, mode, load, seconds))
      print(f'round {round_index + 1} {mode}: ' + ', '.join(
          f'{k} {v:.1f} s' for k, v in seconds.items()), flush=True)
  print(f'\n{"round":>5s} {"mode":17s} {"load":>5s} ' + ' '.join(f'{g:>26s}' for g in _GATES)
        + f' {"wall":>6s}')
  for round_index, mode, load, seconds in results:
    print(f'{round_index:5d} {mode:17s} {load:5.1f} '
          + ' '.join(f'{seconds[g]:26.1f}' for g in _GATES) + f' {seconds["wall"]:6.1f}')


if __name__ == '__main__':
  main()
