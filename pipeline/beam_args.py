"""Beam arguments per runner for the Beam-powered components (ExampleGen, StatisticsGen,
Evaluator, ...); TFX hands the same list to each of them.

Runners call `beam_args_from_env()`: BEAM_RUNNER picks the set, BEAM_<OPTION> variables
fill in its options (BEAM_FLINK_MASTER -> flink_master, ...), and BEAM_EXTRA_ARGS (one
shell-quoted string) appends any other Beam flag.
"""
import inspect
import os
import shlex
from typing import Callable, Dict, List, Mapping, Optional

_SETUP_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'setup.py')


def direct_args(running_mode: Optional[str] = None,
                num_workers: Optional[int] = None) -> List[str]:
  """DirectRunner on this machine: worker processes on multi-core machines.

  Worker processes import our components (and the Evaluator's metrics module) themselves;
  the editable install of this project makes them importable from any directory.
  """
  if running_mode is None:
    running_mode = 'multi_processing' if (os.cpu_count() or 1) > 1 else 'in_memory'
  if num_workers is None:
    num_workers = 1 if running_mode == 'in_memory' else 0  # 0: one worker per core
  return [f'--direct_running_mode={running_mode}', f'--direct_num_workers={num_workers}']


def _portable_worker_args(worker_image: Optional[str], parallelism: Optional[int]) -> List[str]:
  """How a Flink or Spark cluster starts the Python SDK workers that run our code."""
  if worker_image:
    # A remote cluster pulls our image (Dockerfile), which has every component installed.
    args = ['--environment_type=DOCKER', f'--environment_config={worker_image}']
  else:
    # The cluster calls back into this process to run the workers: only for clusters that
    # can reach this machine (a local Flink/Spark). Processes, not threads, as in TFX's
    # penguin_pipeline_local.py.
    args = ['--environment_type=LOOPBACK', '--experiments=use_loopback_process_worker=True']
  if parallelism:
    args.append(f'--sdk_worker_parallelism={parallelism}')
  # As TFX's penguin_pipeline_local.py: keep SDK workers alive from stage to stage, and
  # fuse the pipeline's stages before submitting it.
  return args + ['--environment_cache_millis=1000000', '--experiments=pre_optimize=all']


def flink_args(flink_master: str, parallelism: Optional[int] = None,
               worker_image: Optional[str] = None) -> List[str]:
  """FlinkRunner (portable) submitting an uber jar to `flink_master` (host:port of the
  Flink REST endpoint, e.g. localhost:8081): no separate Beam job server needed."""
  args = ['--runner=FlinkRunner', f'--flink_master={flink_master}', '--flink_submit_uber_jar']
  if parallelism:
    args.append(f'--parallelism={parallelism}')
  return args + _portable_worker_args(worker_image, parallelism)


def spark_args(spark_rest_url: str, parallelism: Optional[int] = None,
               worker_image: Optional[str] = None) -> List[str]:
  """SparkRunner (portable, Spark 3) submitting an uber jar to the Spark master's REST
  endpoint (e.g. http://spark-master:6066; needs spark.master.rest.enabled=true)."""
  return (['--runner=SparkRunner', f'--spark_rest_url={spark_rest_url}',
           '--spark_submit_uber_jar'] + _portable_worker_args(worker_image, parallelism))


def dataflow_args(project: str, region: str, temp_location: str,
                  worker_image: Optional[str] = None) -> List[str]:
  """DataflowRunner. Workers run `worker_image` (our Dockerfile's image, everything
  preinstalled) or, without one, install this project from setup.py when they start."""
  if not temp_location.startswith('gs://'):
    raise ValueError(f'Dataflow needs a gs:// temp_location, got {temp_location!r}')
  args = ['--runner=DataflowRunner', f'--project={project}', f'--region={region}',
          f'--temp_location={temp_location}']
  if worker_image:
    return args + [f'--sdk_container_image={worker_image}']
  return args + [f'--setup_file={_SETUP_PY}']


RUNNERS: Dict[str, Callable[..., List[str]]] = {
    'direct': direct_args,
    'flink': flink_args,
    'spark': spark_args,
    'dataflow': dataflow_args,
}

# Options that are whole numbers; every other option is a string.
_INT_OPTIONS = ('num_workers', 'parallelism')


def beam_pipeline_args(runner: str, **options) -> List[str]:
  """The argument set of `runner` (a key of RUNNERS) filled with `options`."""
  if runner not in RUNNERS:
    raise ValueError(f'unknown Beam runner {runner!r}; choose one of {sorted(RUNNERS)}')
  try:
    return RUNNERS[runner](**options)
  except TypeError as error:  # a missing or unknown option: name them with the runner
    raise ValueError(f'Beam runner {runner!r}: {error}') from None


def beam_args_from_env(environ: Mapping[str, str] = os.environ) -> List[str]:
  """Beam arguments from BEAM_RUNNER (default `direct`), BEAM_<OPTION> and BEAM_EXTRA_ARGS.

  Only the chosen runner's options are read (BEAM_FLINK_MASTER, BEAM_PARALLELISM,
  BEAM_WORKER_IMAGE, BEAM_PROJECT, ...), so one environment can hold several runners' settings.
  """
  runner = environ.get('BEAM_RUNNER') or 'direct'
  if runner not in RUNNERS:
    raise ValueError(f'BEAM_RUNNER={runner!r}: choose one of {sorted(RUNNERS)}')
  options = {}
  for option, parameter in inspect.signature(RUNNERS[runner]).parameters.items():
    value = environ.get(f'BEAM_{option.upper()}')
    if value:
      options[option] = int(value) if option in _INT_OPTIONS else value
    elif parameter.default is inspect.Parameter.empty:
      raise ValueError(f'BEAM_RUNNER={runner}: set BEAM_{option.upper()}')
  return beam_pipeline_args(runner, **options) + shlex.split(environ.get('BEAM_EXTRA_ARGS', ''))
