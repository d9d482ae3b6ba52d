"""The one registry of GAN presets: name -> Preset (see models/presets/base.py).

Adding a preset = one new module defining PRESET + one line in _MODULES below.
"""
from models.presets import (cbn, cdcgan, dcgan_layers, dcgan_projection, dcgan_tutorial,
                            dcgan_upsample, default, mlp)
from models.presets.base import IMAGE_SHAPE, NUM_CLASSES, Preset

_MODULES = (default, mlp, dcgan_layers, cdcgan, dcgan_upsample, dcgan_tutorial, cbn,
            dcgan_projection)
PRESETS = {m.PRESET.name: m.PRESET for m in _MODULES}

# The preset a run trains when none is named (TrainConfig, the pipeline's PRESET knob).
DEFAULT_PRESET = default.PRESET.name


def get_preset(name: str) -> Preset:
  try:
    return PRESETS[name]
  except KeyError:
    raise ValueError(f'Unknown preset {name!r}; known presets: {sorted(PRESETS)}') from None
