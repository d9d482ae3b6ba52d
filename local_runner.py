"""Runs the pipeline on the local orchestrator; `tfx pipeline create` loads this file.

Paths come from the environment (the Makefile sets them):
  TFX_OUTPUT_DIR  everything the pipeline writes (default ./tfx_output next to this file)
  MNIST_DIR       folder with the dataset's original files for offline runs (optional)
  TFDS_DATA_DIR   TFDS's data folder, to reuse an existing one (default <output>/tfds)
  LOCAL_HOME      the TFX CLI's registry (read by the CLI; checked here with the rest)
  MAX_EXAMPLES    keep only the first N examples of each split (optional)
  PIPELINE_NAME   defaults to configs.PIPELINE_NAME
  PRESET, TRAIN_STEPS, CLASSIFIER_TRAIN_STEPS, EVAL_SAMPLES
                  override the configs.py values of the same name
  STOP_AFTER      'validation' or 'training' runs only the first stages
  WARM_START      '0' (or 'false') trains the GAN from scratch instead of continuing from
                  the last blessed model (default: configs.WARM_START)
  INCOMING_DIR    folder where new labelled digits arrive as span-1/, span-2/, ...; each run
                  also ingests, validates and trains on its latest span (default: none)
  MODEL_AUTHOR, MODEL_LICENSE
                  the author and license every shipped .tflite's metadata states (default:
                  the pipeline as author, no license claimed)
  BEAM_RUNNER     direct (default), flink, spark or dataflow, with BEAM_* options
                  (pipeline/beam_args.py)

Every variable is checked before anything runs (pipeline/local_pipeline.py): a bad one
stops with one message naming each bad variable, its value and the allowed values
(docs/operating.md, "Run knobs").

One run at a time per output folder: runs there share ML Metadata and the serving dir, so
a run that finds `<output>/.run.lock` held exits without running anything.

The console: TensorFlow's known-harmless noise is dropped (pipeline/console_noise.py), a
run without MNIST_DIR that cannot reach the download hosts stops in seconds with one line
(pipeline/mnist_download.py), and the run ends with a short summary: pushed or refused
and by which gate, the version and its folder, the gate's figures against its floor and
bounds, the wall time (pipeline/run_summary.py).
"""
import contextlib
import fcntl
import os
import sys
import time

from pipeline import console_noise

if __name__ == '__main__':
  # Before TensorFlow is imported: it prints its plugin-registration noise at import.
  console_noise.install()

# pylint: disable=wrong-import-position
from absl import logging
from tfx import v1 as tfx

from pipeline import configs
from pipeline import console_log
from pipeline import mnist_download
from pipeline import run_summary
from pipeline.knob_errors import RunSettingsError
from pipeline.local_pipeline import create_local_pipeline, output_paths


@contextlib.contextmanager
def run_lock(lock_path: str):
  """Holds an exclusive lock on `lock_path`, or exits naming it if another run holds it.

  flock, not a marker file: the kernel drops the lock when its process ends, so a killed run
  leaves nothing stale behind. The lock file is never deleted (that would race).
  """
  os.makedirs(os.path.dirname(lock_path), exist_ok=True)
  with open(lock_path, 'a+') as lock_file:
    try:
      fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      lock_file.seek(0)
      holder = lock_file.read().strip() or 'holder unknown'
      sys.exit(f'Another run of this pipeline is in progress ({holder}): {lock_path} is '
               'locked. Runs in one output folder share ML Metadata and the serving dir, so '
               'this run stops without running anything. Try again when that run ends.')
    lock_file.truncate(0)
    lock_file.write(f'pid {os.getpid()}, started {time.strftime("%Y-%m-%d %H:%M:%S %Z")}\n')
    lock_file.flush()
    yield


def main():
  output_dir = os.environ.get('TFX_OUTPUT_DIR') or os.path.join(
      os.path.dirname(os.path.abspath(__file__)), 'tfx_output')
  try:
    mnist_gan = create_local_pipeline(output_dir, folders_here=True)
  except RunSettingsError as error:
    # The message names every bad variable; a traceback would only bury it. `tfx pipeline
    # create` loads this file as __main__ in its own process and re-raises a failing
    # SystemExit, so the user sees this one line (`tfx run create` runs it as a script).
    sys.exit(str(error))
  paths = output_paths(os.path.abspath(output_dir))
  offline = mnist_download.offline_problem(
      os.environ.get('MNIST_DIR'), os.environ.get('TFDS_DATA_DIR') or paths['tfds_data_dir'],
      configs.DATASET)
  if offline:
    sys.exit(offline)  # one line; TFDS itself would retry for minutes, then a traceback
  started_at = time.time()
  with run_lock(paths['run_lock']):
    try:
      tfx.orchestration.LocalDagRunner().run(mnist_gan)
    finally:
      # Also after a failure: the summary names the failed stage (its traceback follows).
      print_summary(paths, started_at)


def print_summary(paths: dict, started_at: float) -> None:
  """The end-of-run summary (pipeline/run_summary.py); a broken summary never hides the
  run's own outcome, so its error is one line. No ML Metadata yet (a `tfx pipeline create`
  load, which runs nothing): no summary, and no empty store created."""
  if not os.path.isfile(paths['metadata_path']):
    return
  try:
    lines = run_summary.summary_lines(
        tfx.orchestration.metadata.sqlite_metadata_connection_config(paths['metadata_path']),
        paths['serving_dir'], started_at)
  except Exception as error:  # pylint: disable=broad-except
    lines = [f'(no run summary: {type(error).__name__}: {error})']
  if lines:
    print('\n'.join(lines), flush=True)

if __name__ == '__main__':
  logging.set_verbosity(logging.INFO)
  try:
    console_log.install()  # our lines, warnings, errors, one line per stage (RUN_LOG=full: all)
  except ValueError as error:
    sys.exit(str(error))
  main()
