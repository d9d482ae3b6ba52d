"""Whole-run time of the pipeline as `make run` starts it, split stage by stage.

  MNIST_DIR=/work/shared/data/mnist .venv/bin/python bench/whole_run.py --output_dir /tmp/wr
  .venv/bin/python bench/whole_run.py --metadata /tmp/wr/metadata.sqlite   # split only

Runs the two TFX CLI commands of `make run` (`tfx pipeline create|update`, then `tfx run
create --engine local`) under `--output_dir`, timing each, then reads ML Metadata: for the
newest pipeline run, every execution's node, start (MLMD create time) and end (last update),
whether it ran or was served from the cache, and what the run spent outside any component
(the CLI's own start, compiling, drivers and launching: wall clock minus the union of the
executions' intervals). Run it twice with the same `--output_dir` for a scheduled run: the
second run warm-starts and finds every other input cached. Timings belong here, never in
tests (docs/benchmarks.md).
"""
import argparse
import os
import subprocess
import sys
import time
from typing import List, Tuple

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tfx_cli() -> str:
  return os.path.join(os.path.dirname(sys.executable), 'tfx')


def _timed(command: List[str], env: dict) -> float:
  start = time.monotonic()
  print('$', ' '.join(command), flush=True)
  subprocess.run(command, env=env, cwd=_ROOT, check=True, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
  return time.monotonic() - start


def run_pipeline(output_dir: str) -> Tuple[float, float]:
  """(seconds of `tfx pipeline create|update`, seconds of `tfx run create`)."""
  env = dict(os.environ, TFX_OUTPUT_DIR=os.path.abspath(output_dir),
             LOCAL_HOME=os.path.join(os.path.abspath(output_dir), 'tfx_cli'))
  name = env.get('PIPELINE_NAME') or 'mnist_gan'
  env['PIPELINE_NAME'] = name
  registered = os.path.exists(os.path.join(env['LOCAL_HOME'], name, 'pipeline_args.json'))
  compile_s = _timed([_tfx_cli(), 'pipeline', 'update' if registered else 'create',
                      '--engine', 'local', '--pipeline_path',
                      os.path.join(_ROOT, 'local_runner.py')], env)
  run_s = _timed([_tfx_cli(), 'run', 'create', '--engine', 'local', '--pipeline_name', name],
                 env)
  return compile_s, run_s


def _union_seconds(intervals: List[Tuple[float, float]]) -> float:
  total, end = 0.0, float('-inf')
  for start, stop in sorted(intervals):
    if stop > end:
      total += stop - max(start, end)
      end = stop
  return total


def stage_split(metadata_path: str):
  """Rows (node, start offset s, seconds, state) of the newest run, and its bounds."""
  from ml_metadata.metadata_store import metadata_store  # pylint: disable=import-outside-toplevel
  from ml_metadata.proto import metadata_store_pb2  # pylint: disable=import-outside-toplevel
  config = metadata_store_pb2.ConnectionConfig()
  config.sqlite.filename_uri = metadata_path
  store = metadata_store.MetadataStore(config)
  runs = [c for c in store.get_contexts_by_type('pipeline_run')]
  if not runs:
    raise SystemExit(f'{metadata_path}: no pipeline run recorded')
  run = max(runs, key=lambda c: c.create_time_since_epoch)
  rows = []
  for execution in store.get_executions_by_context(run.id):
    nodes = [c.name for c in store.get_contexts_by_execution(execution.id)
             if c.type == 'node']
    node = nodes[0].split('.', 1)[-1] if nodes else execution.type
    state = metadata_store_pb2.Execution.State.Name(execution.last_known_state)
    rows.append((node, execution.create_time_since_epoch / 1000,
                 execution.last_update_time_since_epoch / 1000, state))
  return run.name, rows


def print_split(metadata_path: str, run_s: float = None):
  run_name, rows = stage_split(metadata_path)
  first = min(start for _, start, _, _ in rows)
  last = max(stop for _, _, stop, _ in rows)
  print(f'\nrun {run_name} ({metadata_path})')
  print(f'{"stage":34s} {"start s":>8s} {"seconds":>8s}  state')
  for node, start, stop, state in sorted(rows, key=lambda r: r[1]):
    print(f'{node:34s} {start - first:8.1f} {stop - start:8.1f}  {state.lower()}')
  inside = _union_seconds([(start, stop) for _, start, stop, _ in rows])
  print(f'{"first start to last end":34s} {"":8s} {last - first:8.1f}')
  print(f'{"inside some component (union)":34s} {"":8s} {inside:8.1f}')
  print(f'{"between components":34s} {"":8s} {last - first - inside:8.1f}')
  if run_s is not None:
    print(f'{"before first / after last":34s} {"":8s} {run_s - (last - first):8.1f}')


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--output_dir', help='run the pipeline here (as make run OUTPUT_DIR=)')
  parser.add_argument('--metadata', help='only print the split of this metadata.sqlite')
  args = parser.parse_args()
  if args.metadata:
    print_split(args.metadata)
    return
  if not args.output_dir:
    parser.error('give --output_dir (to run) or --metadata (to read a run)')
  compile_s, run_s = run_pipeline(args.output_dir)
  print(f'tfx pipeline create/update: {compile_s:.1f} s; tfx run create: {run_s:.1f} s')
  print_split(os.path.join(args.output_dir, 'metadata.sqlite'), run_s)


if __name__ == '__main__':
  main()
