"""One worker of a multi-worker GAN training: models.gan_trainer.run_fn under the TF_CONFIG
of its environment, as each replica of a Vertex AI Training job runs it.

Run as `python -m tests.support.multi_worker_training EXAMPLES OUT MODEL_RUN_DIR CONFIG_JSON
STEPS BASE_MODEL BATCHES`: the FnArgs of tests/support/gan_fn_args.py (every worker gets
the same ones, as TFX gives every replica the same artifacts), BASE_MODEL '' for none,
BATCHES > 0 ends the input after that many global batches (an interrupted run), 0 = endless.
"""
import json
import sys

from absl import logging

from models import gan_trainer
from tests.support import gan_fn_args


def main(examples, out, model_run_dir, config_json, steps, base_model, batches):
  logging.set_verbosity(logging.INFO)  # the test reads the resume and warm-start lines
  if int(batches):
    real_dataset = gan_trainer.train_dataset
    gan_trainer.train_dataset = lambda *a: real_dataset(*a).take(int(batches))
  fn_args = gan_fn_args.make(examples, out, model_run_dir, json.loads(config_json), int(steps))
  fn_args.base_model = base_model or None
  gan_trainer.run_fn(fn_args)


if __name__ == '__main__':
  main(*sys.argv[1:])
