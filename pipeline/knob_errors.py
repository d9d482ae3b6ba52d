"""The one error a bad run setting raises, naming the variable, its value and what is allowed.

Every reader of the environment (run_knobs.py, run_settings.py, beam_args.py) raises
`RunSettingsError`; a runner gathers all of them (`gather`) so one build reports every
bad variable at once, before any component runs.
"""
from typing import Any, Callable, Dict, Optional, Sequence


def problem(variable: str, value: Optional[str], allowed: str) -> str:
  """One line: `VARIABLE='value': allowed` (`VARIABLE is unset: ...` when value is None)."""
  shown = ' is unset' if value is None else f'={value!r}'
  return f'{variable}{shown}: {allowed}'


class RunSettingsError(ValueError):
  """One or more bad run settings; `problems` holds one `problem(...)` line each."""

  def __init__(self, problems: Sequence[str]):
    self.problems = tuple(problems)
    if len(self.problems) == 1:
      message = f'Bad run setting, nothing has run: {self.problems[0]}'
    else:
      message = '\n  '.join([f'{len(self.problems)} bad run settings, nothing has run:',
                             *self.problems])
    super().__init__(message)


def gather(**checks: Callable[[], Any]) -> Dict[str, Any]:
  """Calls every check and returns their results by name, or raises one RunSettingsError
  with the problems of all of them (not only the first failing check's)."""
  results, problems = {}, []
  for name, check in checks.items():
    try:
      results[name] = check()
    except RunSettingsError as error:
      problems.extend(error.problems)
  if problems:
    raise RunSettingsError(problems)
  return results
