"""Training hyperparameters: a frozen dataclass built from the Trainer's custom_config.

Unknown keys are rejected with an error naming them, so a typo ('learning_rate' for
'lr_g') fails the run instead of silently training with defaults. Preset overrides left as
None keep the preset's own value; `effective_preset()` applies the rest.
"""
import dataclasses
from typing import Any, Mapping, Optional

from models.presets import DEFAULT_PRESET, Preset, get_preset

# Config fields that override the Preset field of the same name.
_PRESET_OVERRIDES = ('batch_size', 'lr_g', 'lr_d', 'beta_1', 'g_steps_per_d',
                     'd_pretrain_steps', 'd_split_real_fake', 'd_optimizer_per_term',
                     'simultaneous', 'g_noise', 'ema_decay')
_STRING_FIELDS = ('preset', 'g_noise')
G_NOISE_KINDS = ('shared', 'fresh')


def from_custom_config(config_class, custom_config: Optional[Mapping[str, Any]]):
  """`config_class(**custom_config)`, rejecting unknown keys by name."""
  custom_config = dict(custom_config or {})
  known = {f.name for f in dataclasses.fields(config_class)}
  unknown = sorted(set(custom_config) - known)
  if unknown:
    raise ValueError(f'Unknown custom_config key(s) {unknown} for {config_class.__name__}; '
                     f'known keys: {sorted(known)}')
  return config_class(**custom_config)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
  preset: str = DEFAULT_PRESET
  batch_size: Optional[int] = None  # global batch (split across replicas)
  lr_g: Optional[float] = None
  lr_d: Optional[float] = None
  beta_1: Optional[float] = None
  g_steps_per_d: Optional[int] = None
  d_pretrain_steps: Optional[int] = None
  d_split_real_fake: Optional[bool] = None
  d_optimizer_per_term: Optional[bool] = None
  simultaneous: Optional[bool] = None
  g_noise: Optional[str] = None  # 'shared' or 'fresh' (see models/presets/base.py)
  ema_decay: Optional[float] = None  # 0 disables the EMA generator
  mixed_precision: bool = False  # mixed_float16 compute + dynamic loss scaling (GPU)
  jit_compile: bool = False  # XLA-compile the per-replica train step
  seed: int = 0
  sample_interval: int = 1000  # PNG grid + TensorBoard image, in steps (0 = off)
  checkpoint_interval: int = 1000  # 0 = only at the end
  summary_interval: int = 100  # TensorBoard scalars (0 = off)
  log_interval: int = 200  # progress line
  max_checkpoints: int = 2
  # Training steps per compiled call (models/gan.py train_steps): the host reads losses and
  # flags once per call. Calls are cut short to land exactly on checkpoint and sample
  # steps; default measured in docs/benchmarks.md#steps-per-call.
  steps_per_call: int = 10
  shuffle_buffer: int = 10000

  def __post_init__(self):
    get_preset(self.preset)  # raises naming the unknown preset
    for field in dataclasses.fields(self):
      value = getattr(self, field.name)
      if value is not None and isinstance(value, str) != (field.name in _STRING_FIELDS):
        raise TypeError(f'custom_config[{field.name!r}] has the wrong type: {value!r}')
    if self.g_noise is not None and self.g_noise not in G_NOISE_KINDS:
      raise ValueError(f'custom_config[\'g_noise\'] must be one of {G_NOISE_KINDS}, '
                       f'got {self.g_noise!r}')
    if self.batch_size is not None and self.batch_size <= 0:
      raise ValueError(f'batch_size must be positive, got {self.batch_size}')
    if isinstance(self.steps_per_call, bool) or not isinstance(self.steps_per_call, int) \
        or self.steps_per_call <= 0:
      raise ValueError(f'custom_config[\'steps_per_call\'] must be a positive int, '
                       f'got {self.steps_per_call!r}')

  @classmethod
  def from_custom_config(cls, custom_config: Optional[Mapping[str, Any]]) -> 'TrainConfig':
    return from_custom_config(cls, custom_config)

  def effective_preset(self) -> Preset:
    overrides = {k: getattr(self, k) for k in _PRESET_OVERRIDES if getattr(self, k) is not None}
    if overrides.get('ema_decay') == 0:
      overrides['ema_decay'] = None
    return dataclasses.replace(get_preset(self.preset), **overrides)
