"""Beam arguments per runner for the Beam-powered components (ExampleGen, StatisticsGen,
Evaluator, ...); TFX hands the same list to each of them.

Runners call `beam_args_from_env()`: BEAM_RUNNER picks the set, BEAM_<OPTION> variables
fill in its options (BEAM_FLINK_MASTER -> flink_master, ...), and BEAM_EXTRA_ARGS (one
shell-quoted string) appends any other Beam flag. Every option's variable is checked
against what it may hold (`_OPTIONS`) when the pipeline is built, not when Beam starts.
"""
import inspect
import os
import re
import shlex
from typing import Callable, Dict, List, Mapping, Optional

from pipeline import run_settings
from pipeline.knob_errors import RunSettingsError, gather, problem

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


def beam_pipeline_args(runner: str, **options) -> List[str]:
  """The argument set of `runner` (a key of RUNNERS) filled with `options`."""
  if runner not in RUNNERS:
    raise ValueError(f'unknown Beam runner {runner!r}; choose one of {sorted(RUNNERS)}')
  try:
    return RUNNERS[runner](**options)
  except TypeError as error:  # a missing or unknown option: name them with the runner
    raise ValueError(f'Beam runner {runner!r}: {error}') from None


def _whole_number(minimum: int):
  return lambda value: int(value) if re.fullmatch(r'\d+', value) and int(value) >= minimum \
      else None


def _matching(pattern: str):
  return lambda value: value if re.fullmatch(pattern, value) else None


# What each BEAM_<OPTION> variable may hold: (allowed, parse -> value or None when bad).
_OPTIONS = {
    'running_mode': ("one of 'in_memory', 'multi_threading', 'multi_processing'",
                     _matching(r'in_memory|multi_threading|multi_processing')),
    'num_workers': ('a whole number >= 0 (0: one worker per core)', _whole_number(0)),
    'parallelism': ('a whole number >= 1', _whole_number(1)),
    'flink_master': ('host:port of the Flink REST endpoint, e.g. localhost:8081',
                     _matching(r'(https?://)?[^\s/:]+:\d+/?')),
    'spark_rest_url': ("the Spark master's REST URL, e.g. http://spark-master:6066",
                       _matching(r'https?://[^\s/:]+(:\d+)?/?')),
    'project': ('a Google Cloud project id, e.g. my-project-123',
                _matching(r'([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]')),
    'region': ('a Google Cloud region, e.g. europe-west4', _matching(r'[a-z]+(-[a-z]+)+\d+')),
    'temp_location': ('a gs:// folder (Dataflow stages its files there)',
                      _matching(r'gs://\S+')),
    'worker_image': (run_settings.IMAGE_ALLOWED,
                     lambda value: value if run_settings.IMAGE_PATTERN.fullmatch(value) else None),
}


def _extra_args(environ: Mapping[str, str]) -> List[str]:
  value = environ.get('BEAM_EXTRA_ARGS', '')
  allowed = 'Beam flags as one shell-quoted string, e.g. "--max_parallelism=16"'
  try:
    args = shlex.split(value)
  except ValueError as error:  # an unclosed quote
    raise RunSettingsError([problem('BEAM_EXTRA_ARGS', value, f'{allowed} ({error})')]) from None
  if args and not args[0].startswith('--'):
    raise RunSettingsError([problem('BEAM_EXTRA_ARGS', value, f'{allowed} (starts with '
                                    f'{args[0]!r}, not a --flag)')])
  return args


def _runner_args(environ: Mapping[str, str],
                 direct_defaults: Optional[Mapping[str, object]] = None) -> List[str]:
  runner = environ.get('BEAM_RUNNER') or 'direct'
  if runner not in RUNNERS:
    raise RunSettingsError([problem('BEAM_RUNNER', runner, f'one of {", ".join(RUNNERS)}')])
  options, problems = dict(direct_defaults or {}) if runner == 'direct' else {}, []
  for option, parameter in inspect.signature(RUNNERS[runner]).parameters.items():
    variable = f'BEAM_{option.upper()}'
    value = environ.get(variable)
    allowed, parse = _OPTIONS[option]
    if value:
      options[option] = parse(value)
      if options[option] is None:
        problems.append(problem(variable, value, allowed))
    elif parameter.default is inspect.Parameter.empty:
      problems.append(problem(variable, None, f'BEAM_RUNNER={runner} needs {allowed}'))
  if problems:
    raise RunSettingsError(problems)
  return beam_pipeline_args(runner, **options)


def _known_variables() -> List[str]:
  options = {option for runner in RUNNERS.values()
             for option in inspect.signature(runner).parameters}
  return ['BEAM_RUNNER', 'BEAM_EXTRA_ARGS'] + sorted(f'BEAM_{o.upper()}' for o in options)


def _no_unknown_variables(environ: Mapping[str, str]) -> None:
  """A misspelt BEAM_* variable (BEAM_PARALELISM) would otherwise be ignored in silence."""
  known = _known_variables()
  unknown = sorted(v for v in environ if v.startswith('BEAM_') and v not in known)
  if unknown:
    raise RunSettingsError([problem(v, environ[v], 'not a Beam setting of this project; known: '
                                    + ', '.join(known)) for v in unknown])


def beam_args_from_env(environ: Mapping[str, str] = os.environ,
                       direct_defaults: Optional[Mapping[str, object]] = None) -> List[str]:
  """Beam arguments from BEAM_RUNNER (default `direct`), BEAM_<OPTION> and BEAM_EXTRA_ARGS.

  Only the chosen runner's options are read (BEAM_FLINK_MASTER, BEAM_PARALLELISM,
  BEAM_WORKER_IMAGE, BEAM_PROJECT, ...), so one environment can hold several runners'
  settings. One RunSettingsError names every bad, missing or unknown BEAM_* variable.

  `direct_defaults`: `direct_args` options (e.g. running_mode) a runner chooses for the
  DirectRunner when their BEAM_<OPTION> variable is unset; the variable still wins.
  """
  unknown = sorted(set(direct_defaults or {}) - set(inspect.signature(direct_args).parameters))
  if unknown:
    raise ValueError(f'direct_defaults: {unknown} are not options of direct_args')
  settings = gather(runner=lambda: _runner_args(environ, direct_defaults),
                    extra=lambda: _extra_args(environ),
                    unknown=lambda: _no_unknown_variables(environ))
  return settings['runner'] + settings['extra']
