"""The evaluation classifier's run_fn: trains, measures on the eval split, gates, exports the
logits + embedding contract the sample-quality metrics load."""
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from models import classifier_trainer


def test_exports_logits_and_embedding_and_records_accuracy(tfrecord_fn_args, mnist_small):
  fn_args = tfrecord_fn_args({'min_accuracy': 0.5, 'batch_size': 64}, train_steps=120)
  classifier_trainer.run_fn(fn_args)
  serve = tf.saved_model.load(fn_args.serving_model_dir).signatures['serving_default']
  images, labels = mnist_small
  x = (images[512:640].astype(np.float32) / 255.0)[..., None]
  out = serve(images=tf.constant(x))
  assert out['logits'].shape == (128, 10)
  assert out['embedding'].shape == (128, 128)
  accuracy = float(np.mean(np.argmax(out['logits'], -1) == labels[512:640]))
  with open(os.path.join(fn_args.serving_model_dir, classifier_trainer.METRICS_FILE)) as f:
    recorded = json.load(f)['eval_accuracy']
  # 120 steps on 512 digits is far above chance (0.1); the exported model is the measured one.
  assert recorded >= 0.5
  assert accuracy == pytest.approx(recorded, abs=1e-6)


def test_too_weak_classifier_is_not_exported(tfrecord_fn_args):
  fn_args = tfrecord_fn_args({'min_accuracy': 0.999}, train_steps=2)
  with pytest.raises(classifier_trainer.ClassifierTooWeakError, match='below min_accuracy'):
    classifier_trainer.run_fn(fn_args)
  assert not os.path.exists(os.path.join(fn_args.serving_model_dir, 'saved_model.pb'))


def test_unknown_config_key_is_named(tfrecord_fn_args):
  with pytest.raises(ValueError, match='learning_rat'):
    classifier_trainer.run_fn(tfrecord_fn_args({'learning_rat': 1e-3}, train_steps=1))
