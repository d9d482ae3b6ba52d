"""The evaluation classifier's run_fn: trains, measures on the eval split, gates, exports the
logits + embedding contract the sample-quality metrics load, and the gate's floor."""
import json
import os

import numpy as np
import pytest
from scipy import linalg
import tensorflow as tf

from models import classifier_trainer
from models import gate_floor


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


def _direct_fid(a, b):
  mu_a, mu_b = a.mean(0), b.mean(0)
  s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  return float(np.sum((mu_a - mu_b) ** 2) +
               np.trace(s_a + s_b - 2 * np.real(linalg.sqrtm(s_a @ s_b))))


def test_floor_is_real_train_vs_real_eval_with_the_exported_classifier(tfrecord_fn_args,
                                                                        mnist_small):
  # The fixture's splits: 512 train and 128 eval digits; floor_samples caps N at 100.
  fn_args = tfrecord_fn_args({'min_accuracy': 0.5, 'batch_size': 64, 'floor_samples': 100},
                             train_steps=120)
  classifier_trainer.run_fn(fn_args)
  floor = gate_floor.read(fn_args.serving_model_dir)
  assert floor['num_samples'] == 100
  serve = tf.saved_model.load(fn_args.serving_model_dir).signatures['serving_default']
  images, labels = mnist_small
  real_train = serve(images=tf.constant((images[:100].astype(np.float32) / 255.0)[..., None]))
  real_eval = serve(images=tf.constant((images[512:612].astype(np.float32) / 255.0)[..., None]))
  assert floor['fid'] == pytest.approx(
      _direct_fid(real_train['embedding'].numpy().astype(np.float64),
                  real_eval['embedding'].numpy().astype(np.float64)), rel=1e-3)
  assert floor['class_accuracy'] == pytest.approx(
      np.mean(np.argmax(real_eval['logits'], -1) == labels[512:612]))
  assert 1.0 <= floor['mnist_score'] <= 10.0


@pytest.mark.parametrize('content, problem', [
    (None, 'No gate floor'),
    ('{"fid": 1.0', 'Unreadable gate floor'),
    ('{"fid": "x", "mnist_score": 9.0, "class_accuracy": 0.9, "num_samples": 10}', '"fid"'),
    ('{"fid": 1.0, "mnist_score": 9.0, "class_accuracy": 0.9}', '"num_samples"'),
])
def test_bad_floor_file_is_named(tmp_path, content, problem):
  if content is not None:
    (tmp_path / gate_floor.FLOOR_FILE).write_text(content)
  with pytest.raises(ValueError, match=problem) as error:
    gate_floor.read(str(tmp_path))
  assert str(tmp_path / gate_floor.FLOOR_FILE) in str(error.value)


def test_too_weak_classifier_is_not_exported(tfrecord_fn_args):
  fn_args = tfrecord_fn_args({'min_accuracy': 0.999}, train_steps=2)
  with pytest.raises(classifier_trainer.ClassifierTooWeakError, match='below min_accuracy'):
    classifier_trainer.run_fn(fn_args)
  assert not os.path.exists(os.path.join(fn_args.serving_model_dir, 'saved_model.pb'))


def test_unknown_config_key_is_named(tfrecord_fn_args):
  with pytest.raises(ValueError, match='learning_rat'):
    classifier_trainer.run_fn(tfrecord_fn_args({'learning_rat': 1e-3}, train_steps=1))
