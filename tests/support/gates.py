"""Gate thresholds for pipeline tests, by GateThresholds' field names rather than a fixed list.

A test states only the bounds it is about; every other bound is wide open, so the test does
not depend on which thresholds pipeline/configs.py has today.
"""
import dataclasses

from pipeline import configs


def open_gate(**values) -> configs.GateThresholds:
  """Every `min_*` bound 0, every other bound 1e9 (a max or an allowed change), then `values`."""
  bounds = {f.name: 0.0 if f.name.startswith('min_') else 1e9
            for f in dataclasses.fields(configs.GateThresholds)}
  return configs.GateThresholds(**{**bounds, **values})


def impossible_tflite_gate(gate: configs.GateThresholds) -> configs.GateThresholds:
  """`gate` with a TFLite FID-change bound no variant can meet (1e6 below fp32's).

  GateThresholds rightly refuses a negative bound for real runs, hence the bypass."""
  names = [f.name for f in dataclasses.fields(gate)
           if f.name.startswith('int8_max_fid_increase')]
  if not names:
    raise ValueError('GateThresholds has no int8_max_fid_increase* field to make impossible')
  result = dataclasses.replace(gate)
  for name in names:
    object.__setattr__(result, name, -1e6)
  return result
