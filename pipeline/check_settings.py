"""`python -m pipeline.check_settings VARIABLE...`: the run settings of the environment,
checked as the runners check them, for the Makefile's `schedule` target.

That target's CRON_SCHEDULE, folders and knobs never reach a runner until cron starts it, so
it checks them here first and exits with the one message naming every bad variable. Starts
at once: run_settings.py imports no TensorFlow, and the knobs (whose preset registry does)
are imported only when KNOBS is asked for.
"""
import os
import sys
from typing import Callable, Dict, Mapping

from pipeline import run_settings
from pipeline.knob_errors import RunSettingsError, gather


def run_knobs_and_beam(environ: Mapping[str, str]) -> dict:
  """The run knobs (run_knobs.py) and BEAM_* (beam_args.py) of `environ`, checked."""
  # Imported here: run_knobs loads the preset registry (TensorFlow, seconds), which only a
  # `make schedule` with a knob set needs.
  from pipeline import beam_args, run_knobs  # pylint: disable=g-import-not-at-top
  return gather(knobs=lambda: run_knobs.knobs_from_env(environ),
                beam=lambda: beam_args.beam_args_from_env(environ))


# The checks by variable, as the local runner applies them (local_pipeline.py); KNOBS
# stands for all run knobs and BEAM_* variables.
CHECKS: Dict[str, Callable[[Mapping[str, str]], object]] = {
    'PIPELINE_NAME': lambda env: run_settings.pipeline_name(env, None),
    'TFX_OUTPUT_DIR': lambda env: run_settings.writable_folder(env, 'TFX_OUTPUT_DIR'),
    'LOCAL_HOME': lambda env: run_settings.writable_folder(env, 'LOCAL_HOME'),
    'TFDS_DATA_DIR': lambda env: run_settings.writable_folder(env, 'TFDS_DATA_DIR', urls=True),
    'MNIST_DIR': lambda env: run_settings.input_folder(env, 'MNIST_DIR'),
    'INCOMING_DIR': lambda env: run_settings.input_folder(env, 'INCOMING_DIR'),
    'CRON_SCHEDULE': run_settings.cron_schedule,
    'KNOBS': run_knobs_and_beam,
}


def main(variables, environ: Mapping[str, str] = os.environ) -> None:
  unknown = sorted(set(variables) - set(CHECKS))
  if unknown:
    sys.exit(f'check_settings: no check for {unknown}; known: {sorted(CHECKS)}')
  try:
    gather(**{v: (lambda v=v: CHECKS[v](environ)) for v in variables})
  except RunSettingsError as error:
    sys.exit(str(error))


if __name__ == '__main__':
  main(sys.argv[1:])
