"""The GAN Trainer's FnArgs over an Examples folder, built as TFX's Trainer builds them.

Shared by a test and the child process it kills (tests/support/killable_training.py), so
both see the same training inputs. `examples_root` holds Split-train/ and Split-eval/ gzip
TFRecords as tests/models/conftest.py's tfrecord_fn_args writes them.
"""
import os

from tfx.components.trainer import fn_args_utils
from tfx.components.util import tfxio_utils
from tfx.types import standard_artifacts

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make(examples_root, out_root, model_run_dir, custom_config, train_steps):
  """FnArgs with outputs under `out_root` and the given (per-execution) model_run_dir."""
  examples = standard_artifacts.Examples()
  examples.uri = str(examples_root)
  examples.split_names = '["train", "eval"]'
  accessor = fn_args_utils.DataAccessor(
      tf_dataset_factory=tfxio_utils.get_tf_dataset_factory_from_artifact([examples], []),
      record_batch_factory=None, data_view_decode_fn=None)
  return fn_args_utils.FnArgs(
      working_dir=None,  # as TFX's Trainer leaves it
      train_files=[os.path.join(str(examples_root), 'Split-train', '*')],
      eval_files=[os.path.join(str(examples_root), 'Split-eval', '*')],
      train_steps=train_steps, eval_steps=None,
      schema_path=os.path.join(REPO, 'pipeline', 'schema', 'schema.pbtxt'),
      serving_model_dir=os.path.join(str(out_root), 'Format-Serving'),
      model_run_dir=str(model_run_dir), data_accessor=accessor, custom_config=custom_config)
