"""GAN_CONFIG's text -> TrainConfig overrides: every TrainConfig key but `preset`, each value
read by its field's type, the whole checked by TrainConfig, and every key documented."""
import dataclasses
import os
import re

import pytest

from models.config import TrainConfig
from pipeline import gan_config

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_keys_are_every_train_config_field_but_the_preset():
  assert set(gan_config.KEYS) == {f.name for f in dataclasses.fields(TrainConfig)} - {'preset'}


def test_values_are_read_by_their_field_type():
  overrides = gan_config.parse(
      'batch_size=32, lr_g=2e-4,beta_1=1, simultaneous=TRUE,d_split_real_fake=no,'
      'g_noise=fresh,mixed_precision=0,seed=7,ema_decay=0,')
  assert overrides == {'batch_size': 32, 'lr_g': 0.0002, 'beta_1': 1.0, 'simultaneous': True,
                       'd_split_real_fake': False, 'g_noise': 'fresh',
                       'mixed_precision': False, 'seed': 7, 'ema_decay': 0.0}
  assert type(overrides['beta_1']) is float  # a float field stays a float in custom_config
  assert type(overrides['batch_size']) is int
  # What the GAN Trainer builds from the custom_config these land in.
  config = TrainConfig.from_custom_config({'preset': 'mlp', **overrides})
  assert config.batch_size == 32 and config.g_noise == 'fresh'


@pytest.mark.parametrize('text, message', [
    ('batch_size=abc', "batch_size='abc' is not a whole number >= 0"),
    ('seed=-1', "seed='-1' is not a whole number >= 0"),
    ('lr_g=nan', "lr_g='nan' is not a number"),
    ('simultaneous=maybe', "simultaneous='maybe' is not one of 1/true/yes or 0/false/no"),
    ('lr_g', "'lr_g' is not key=value"),
    ('=3', "'=3' is not key=value"),
    ('learning_rate=0.1', "unknown key 'learning_rate'"),
    ('preset=mlp', 'preset is not set here: it has its own variable, PRESET'),
    ('seed=1,seed=2', 'seed is given twice'),
    ('g_noise=sometimes', "must be one of ('shared', 'fresh')"),  # TrainConfig's own check
    ('batch_size=0', 'batch_size must be positive'),
])
def test_bad_text_is_refused_naming_the_key(text, message):
  with pytest.raises(ValueError) as raised:
    gan_config.parse(text)
  assert message in str(raised.value)


def test_docs_describe_every_key():
  with open(os.path.join(_REPO, 'docs', 'operating.md')) as f:
    text = f.read()
  section = text.split('### GAN_CONFIG keys', 1)[1].split('\n#', 1)[0]
  documented = set(re.findall(r'^\| `([a-z_0-9]+)`', section, re.M))
  assert documented == set(gan_config.KEYS)
  # A default the page states, '(50)' or '(off)', is TrainConfig's, not a second copy.
  defaults = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
  stated = re.findall(r'^\| `([a-z_0-9]+)` \| [^|(]*\((\w+)[;)]', section, re.M)
  assert stated  # the loop keys state theirs
  for key, value in stated:
    assert {'off': False, 'on': True}.get(value, value) == defaults[key] or (
        value.isdigit() and int(value) == defaults[key]), key
