"""A GAN training through models.gan_trainer.run_fn, slowed down so a test can kill it mid-way.

Run as `python -m tests.support.killable_training EXAMPLES OUT MODEL_RUN_DIR CONFIG_JSON
STEPS SECONDS_PER_BATCH`. Only the input is slowed (each batch waits SECONDS_PER_BATCH), so
the kill lands between two checkpoints whatever the machine's speed; the training, its
checkpoints and their folder are run_fn's own.
"""
import json
import sys
import time

import tensorflow as tf

from models import gan_trainer
from tests.support import gan_fn_args


def main(examples, out, model_run_dir, config_json, steps, seconds_per_batch):
  real_dataset, delay = gan_trainer.train_dataset, float(seconds_per_batch)

  def slow_dataset(fn_args, config, batch_size):
    def wait(images, labels):
      waited = tf.py_function(lambda: time.sleep(delay) or 0.0, [], tf.float32)
      return images + 0.0 * waited, labels  # the output depends on it: never pruned
    return real_dataset(fn_args, config, batch_size).map(wait)
  gan_trainer.train_dataset = slow_dataset
  gan_trainer.run_fn(gan_fn_args.make(examples, out, model_run_dir, json.loads(config_json),
                                  int(steps)))
  sys.exit('training finished before it was killed')


if __name__ == '__main__':
  main(*sys.argv[1:])
