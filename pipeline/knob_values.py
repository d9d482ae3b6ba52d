"""How the text of one environment variable becomes a value: the parsers of the run knobs.

Each `parse(text)` returns the value or raises ValueError; the error's message, when it has
one, says what is wrong with this text (the caller adds the variable and the allowed values,
pipeline/run_knobs.py). Used by the knob table (run_knobs.py) and by GAN_CONFIG's
per-key values (gan_config.py), so a number or a flag reads the same in both.
"""
import math
import os
import re
from typing import Callable

TRUE_WORDS, FALSE_WORDS = ('1', 'true', 'yes'), ('0', 'false', 'no')
FLAG_ALLOWED = 'one of 1/true/yes or 0/false/no'


def whole_number(minimum: int) -> Callable[[str], int]:
  def parse(value: str) -> int:
    # Digits only: int() would also take '1_000', '+5' or ' 5', and negative numbers.
    if not re.fullmatch(r'\d+', value.strip()) or int(value) < minimum:
      raise ValueError()
    return int(value)
  return parse


def number(value: str) -> float:
  """A finite decimal number ('0.0002', '2e-4', '1'); float() would also take 'nan', 'inf'."""
  try:
    parsed = float(value)
  except ValueError:
    raise ValueError() from None
  if not math.isfinite(parsed):
    raise ValueError()
  return parsed


def one_of(choices) -> Callable[[str], str]:
  def parse(value: str) -> str:
    if value not in choices:
      raise ValueError()
    return value
  return parse


def flag(value: str) -> bool:
  value = value.strip().lower()
  if value not in TRUE_WORDS + FALSE_WORDS:
    raise ValueError()
  return value in TRUE_WORDS


def folder(value: str) -> str:
  """Absolute, so a relative folder means the same wherever the components run; URLs
  (gs://...) unchanged. Whether the folder exists is the runner's check (run_settings.py):
  only a runner knows whether the components run on this machine."""
  return value if '://' in value else os.path.abspath(value)


def listed(choices) -> str:
  return ', '.join(repr(c) for c in choices)
