"""A GAN-Trainer stand-in that records what it would train on, instead of training.

It reads one pass of `fn_args.train_files` through the same input as the real trainer
(models/examples_input.py, the Trainer's TFXIO data accessor) and writes, where the model
would go, `train_input.json`: the file patterns and one entry per example (a digest of its
pixels and its label), so a test can tell exactly which examples reached training.
"""
import hashlib
import json
import os

import numpy as np

from models import examples_input

RECORD_FILE = 'train_input.json'


def image_digest(image_uint8) -> str:
  """Digest of a 28x28 image's pixels, the same for the writer's and the reader's copy."""
  return hashlib.sha1(np.asarray(image_uint8, np.uint8).reshape(28, 28).tobytes()).hexdigest()


def run_fn(fn_args):
  examples = []
  batches = examples_input.examples_dataset(fn_args, fn_args.train_files, batch_size=256,
                                            shuffle_buffer=1, seed=0, repeat=False)
  for images, labels in batches:
    pixels = np.rint(images.numpy() * 255.0).astype(np.uint8)
    examples += [[image_digest(p), int(l)] for p, l in zip(pixels, labels.numpy())]
  os.makedirs(fn_args.serving_model_dir, exist_ok=True)
  with open(os.path.join(fn_args.serving_model_dir, RECORD_FILE), 'w') as f:
    json.dump({'train_files': fn_args.train_files, 'examples': examples}, f)


def recorded(model_uri: str) -> dict:
  """The record a run_fn above wrote into the Model artifact at `model_uri`."""
  with open(os.path.join(model_uri, 'Format-Serving', RECORD_FILE)) as f:
    return json.load(f)
