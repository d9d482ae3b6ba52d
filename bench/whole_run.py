"""Whole-run time of the pipeline as `make run` starts it, split stage by stage.

  MNIST_DIR=/work/shared/data/mnist .venv/bin/python bench/whole_run.py --output_dir /tmp/wr
  MNIST_DIR=/work/shared/data/mnist .venv/bin/python bench/whole_run.py --output_dir /tmp/wr --run_only
  .venv/bin/python bench/whole_run.py --metadata /tmp/wr/metadata.sqlite   # split only

Runs the two TFX CLI commands of `make run` (`tfx pipeline create|update`, then `tfx run
create --engine local`) under `--output_dir`, timing each, then reads ML Metadata: for the
newest pipeline run, every execution's node, start (MLMD create time) and end (last update),
whether it ran or was served from the cache, and what the run spent outside any component
(the CLI's own start, compiling, drivers and launching: wall clock minus the union of the
executions' intervals). Run it again with the same `--output_dir` and `--run_only` for a
scheduled run, as cron starts it: it warm-starts and finds every other input cached. Each
command's console goes to `<output_dir>/tfx_pipeline.log` and `tfx_run.log`. The Beam mode
and every run knob come from the environment (BEAM_RUNNING_MODE=multi_processing,
MAX_EXAMPLES, ...). Timings belong here, never in tests (docs/benchmarks.md).
"""
import argparse
import os
import subprocess
import sys
import time
from typing import List, Optional, Tuple

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tfx_cli() -> str:
  return os.path.join(os.path.dirname(sys.executable), 'tfx')


def _timed(command: List[str], env: dict, log_path: str) -> Tuple[float, float]:
  """(wall-clock start, end) of `command`, in seconds since the epoch as ML Metadata's.
  Its console goes to `log_path` (where a stage's own time goes: its log lines)."""
  print('$', ' '.join(command), '>', log_path, flush=True)
  with open(log_path, 'w') as log:
    start = time.time()
    subprocess.run(command, env=env, cwd=_ROOT, check=True, stdout=log,
                   stderr=subprocess.STDOUT)
  return start, time.time()


def _pipeline_name(environ) -> str:
  if environ.get('PIPELINE_NAME'):
    return environ['PIPELINE_NAME']
  sys.path.insert(0, _ROOT)
  from pipeline import configs  # pylint: disable=import-outside-toplevel
  return configs.PIPELINE_NAME


def run_pipeline(output_dir: str, run_only: bool = False
                 ) -> Tuple[Optional[Tuple[float, float]], Tuple[float, float]]:
  """(start, end) of `tfx pipeline create|update` and of `tfx run create`, as make run;
  `run_only`: only `tfx run create`, as the cron line of `make schedule` (None first)."""
  output_dir = os.path.abspath(output_dir)
  os.makedirs(output_dir, exist_ok=True)
  env = dict(os.environ, TFX_OUTPUT_DIR=output_dir,
             LOCAL_HOME=os.path.join(os.path.abspath(output_dir), 'tfx_cli'))
  name = _pipeline_name(env)
  env['PIPELINE_NAME'] = name
  # The Makefile's test: the CLI keeps <LOCAL_HOME>/<name>/pipeline_args.json per pipeline.
  registered = os.path.exists(os.path.join(env['LOCAL_HOME'], name, 'pipeline_args.json'))
  if run_only and not registered:
    raise SystemExit(f'--run_only: no pipeline {name} registered under {env["LOCAL_HOME"]}; '
                     'run once without it first')
  compile_span = None if run_only else _timed(
      [_tfx_cli(), 'pipeline', 'update' if registered else 'create',
       '--engine', 'local', '--pipeline_path', os.path.join(_ROOT, 'local_runner.py')],
      env, os.path.join(output_dir, 'tfx_pipeline.log'))
  run_span = _timed([_tfx_cli(), 'run', 'create', '--engine', 'local', '--pipeline_name',
                     name], env, os.path.join(output_dir, 'tfx_run.log'))
  return compile_span, run_span


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


def print_split(metadata_path: str, run_span: Tuple[float, float] = None):
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
  if run_span is not None:
    # Before: the CLI's start, the script's imports, building the pipeline, the first
    # driver. After: the last publish, the run summary, the interpreter's exit.
    print(f'{"tfx run create: before first start":34s} {"":8s} {first - run_span[0]:8.1f}')
    print(f'{"tfx run create: after last end":34s} {"":8s} {run_span[1] - last:8.1f}')
    print(f'{"tfx run create, wall clock":34s} {"":8s} {run_span[1] - run_span[0]:8.1f}')


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--output_dir', help='run the pipeline here (as make run OUTPUT_DIR=)')
  parser.add_argument('--run_only', action='store_true',
                      help='only `tfx run create`, as the cron line (a scheduled run)')
  parser.add_argument('--metadata', help='only print the split of this metadata.sqlite')
  args = parser.parse_args()
  if args.metadata:
    print_split(args.metadata)
    return
  if not args.output_dir:
    parser.error('give --output_dir (to run) or --metadata (to read a run)')
  print('load average before: %.2f %.2f %.2f' % os.getloadavg(), flush=True)
  compile_span, run_span = run_pipeline(args.output_dir, args.run_only)
  print('load average after: %.2f %.2f %.2f' % os.getloadavg())
  if compile_span:
    print(f'tfx pipeline create/update: {compile_span[1] - compile_span[0]:.1f} s')
  print(f'tfx run create: {run_span[1] - run_span[0]:.1f} s')
  print_split(os.path.join(args.output_dir, 'metadata.sqlite'), run_span)


if __name__ == '__main__':
  main()
