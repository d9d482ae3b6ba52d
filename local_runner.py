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
  BEAM_RUNNER     direct (default), flink, spark or dataflow, with BEAM_* options
                  (pipeline/beam_args.py)

Every variable is checked before anything runs (pipeline/local_pipeline.py): a bad one
stops with one message naming each bad variable, its value and the allowed values
(docs/operating.md, "Run knobs").

One run at a time per output folder: runs there share ML Metadata and the serving dir, so
a run that finds `<output>/.run.lock` held exits without running anything.
"""
import contextlib
import fcntl
import os
import sys
import time

from absl import logging
from tfx import v1 as tfx

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
  with run_lock(output_paths(os.path.abspath(output_dir))['run_lock']):
    tfx.orchestration.LocalDagRunner().run(mnist_gan)

if __name__ == '__main__':
  logging.set_verbosity(logging.INFO)
  main()
