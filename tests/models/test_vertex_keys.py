"""On Vertex AI the Google Cloud Trainer extension's own custom_config keys reach run_fn
with ours: they are set aside, any other unknown key is still refused by name."""
import pytest

from models import gan_trainer
from models.config import TrainConfig


def test_the_extensions_keys_are_set_aside_and_others_still_refused():
  from tfx.extensions.google_cloud_ai_platform import constants  # pylint: disable=g-import-not-at-top
  from tfx.extensions.google_cloud_ai_platform.trainer import executor  # pylint: disable=g-import-not-at-top
  custom = {'preset': 'mlp', 'steps_per_call': 5,
            executor.TRAINING_ARGS_KEY: {'project': 'p', 'job_spec': {'worker_pool_specs': []}},
            constants.ENABLE_VERTEX_KEY: True, constants.VERTEX_REGION_KEY: 'europe-west4',
            executor.JOB_ID_KEY: 'gan'}
  config = TrainConfig.from_custom_config(gan_trainer.training_config(custom))
  assert (config.preset, config.steps_per_call) == ('mlp', 5)
  assert executor.TRAINING_ARGS_KEY in custom  # the caller's dict is left as it was
  with pytest.raises(ValueError, match='learning_rate'):
    TrainConfig.from_custom_config(gan_trainer.training_config(dict(custom, learning_rate=1)))
