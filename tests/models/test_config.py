"""TrainConfig: unknown keys and presets rejected by name, overrides reach the preset."""
import pytest

from models.config import TrainConfig
from models.presets import PRESETS


def test_unknown_key_is_rejected_by_name():
  with pytest.raises(ValueError, match='learning_rate'):
    TrainConfig.from_custom_config({'preset': 'mlp', 'learning_rate': 1e-3})


def test_unknown_preset_is_rejected_by_name():
  with pytest.raises(ValueError, match='no_such_gan'):
    TrainConfig.from_custom_config({'preset': 'no_such_gan'})


def test_wrong_type_is_rejected():
  with pytest.raises(TypeError, match='batch_size'):
    TrainConfig.from_custom_config({'batch_size': '64'})


def test_config_is_frozen():
  config = TrainConfig()
  with pytest.raises(Exception):
    config.seed = 3


def test_overrides_replace_preset_values_and_defaults_keep_them():
  config = TrainConfig.from_custom_config(
      {'preset': 'cdcgan', 'batch_size': 16, 'lr_d': 1e-5, 'g_steps_per_d': 3})
  preset = config.effective_preset()
  assert (preset.batch_size, preset.lr_d, preset.g_steps_per_d) == (16, 1e-5, 3)
  assert preset.lr_g == PRESETS['cdcgan'].lr_g == 2e-4
  assert TrainConfig.from_custom_config(None).effective_preset() == PRESETS['default']


def test_ema_can_be_disabled():
  assert TrainConfig(preset='default', ema_decay=0.0).effective_preset().ema_decay is None


def test_g_noise_kind_is_checked_by_name():
  with pytest.raises(ValueError, match='g_noise'):
    TrainConfig.from_custom_config({'g_noise': 'sometimes'})
  assert TrainConfig(preset='mlp').effective_preset().g_noise == 'fresh'
  assert TrainConfig(preset='mlp', g_noise='shared').effective_preset().g_noise == 'shared'
