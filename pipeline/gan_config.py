"""GAN_CONFIG='key=value,...': overrides of the GAN training (models/config.py TrainConfig).

The keys are TrainConfig's fields except `preset` (the PRESET knob sets it), read from the
dataclass itself, so a field added there is a GAN_CONFIG key at once. Each value is read by
its field's type (whole number, decimal number, flag or text, pipeline/knob_values.py) and
the whole set is then built into a TrainConfig, whose own checks (batch_size > 0, g_noise's
kinds, ...) refuse what it refuses: a bad override stops the build, not the Trainer.
"""
import dataclasses
import typing
from typing import Any, Callable, Dict

from models.config import TrainConfig
from pipeline import knob_values

# The PRESET knob's: one variable per setting, so `PRESET=mlp GAN_CONFIG=preset=cdcgan`
# cannot disagree with itself.
_NOT_HERE = ('preset',)
_TYPE_HINTS = typing.get_type_hints(TrainConfig)


def _value_type(name: str) -> type:
  """`int` for both `int` and `Optional[int]` fields."""
  hint = _TYPE_HINTS[name]
  args = [a for a in typing.get_args(hint) if a is not type(None)]
  return args[0] if args else hint


KEYS = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.name not in _NOT_HERE)
# What a value of each type may be, as the error message and docs/operating.md say it.
_READERS: Dict[type, Callable[[str], Any]] = {
    bool: knob_values.flag, int: knob_values.whole_number(0), float: knob_values.number,
    str: lambda value: value}
_READ_AS = {bool: knob_values.FLAG_ALLOWED, int: 'a whole number >= 0', float: 'a number',
            str: 'text'}
ALLOWED = (f'comma-separated key=value overrides of the GAN training, keys: {", ".join(KEYS)} '
           '(unset: the preset\'s values)')


def _read(key: str, text: str) -> Any:
  kind = _value_type(key)
  try:
    return _READERS[kind](text)
  except ValueError:
    raise ValueError(f'{key}={text!r} is not {_READ_AS[kind]}') from None


def parse(text: str) -> Dict[str, Any]:
  """{key: typed value} of 'key=value,...', checked by TrainConfig; ValueError naming the
  key (or the item) that is wrong."""
  overrides: Dict[str, Any] = {}
  for item in text.split(','):
    if not item.strip():  # 'a=1,' or spaces: nothing to set
      continue
    key, equals, value = (part.strip() for part in item.partition('='))
    if not equals or not key:
      raise ValueError(f'{item.strip()!r} is not key=value')
    if key in _NOT_HERE:
      raise ValueError(f'{key} is not set here: it has its own variable, {key.upper()}')
    if key not in KEYS:
      raise ValueError(f'unknown key {key!r}')
    if key in overrides:
      raise ValueError(f'{key} is given twice')
    overrides[key] = _read(key, value)
  try:
    TrainConfig.from_custom_config(overrides)
  except (TypeError, ValueError) as error:
    raise ValueError(str(error)) from None
  return overrides
