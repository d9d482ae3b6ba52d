"""TFX Trainer entry point of the evaluation classifier: `run_fn(fn_args)`.

Trains models/classifier.py's CNN on the train split (Keras `fit` is fine here: only the
GANs need our own loop), measures accuracy on the whole eval split (the official 10,000
test images), refuses to export below `min_accuracy`, and exports a SavedModel whose
`serving_default(images float32 [N, 28, 28, 1] in [0, 1])` returns `logits` and
`embedding` (the penultimate layer): formats/classifier_spec.py.

Beside the export it writes the gate's floor, `floor.json` (models/gate_floor.py): the
sample-quality metrics of real train images against real eval images with this very
classifier. Only this Trainer has both splits and the classifier, and the floor changes
whenever the classifier does, so the gate's absolute thresholds are tied to it.
"""
import dataclasses
import json
import os

from absl import logging
import keras
import numpy as np
import tensorflow as tf

from formats import classifier_spec
from formats import examples
from models import classifier as clf
from models import examples_input
from models import gate_floor
from models.config import from_custom_config

METRICS_FILE = 'classifier_metrics.json'


class ClassifierTooWeakError(RuntimeError):
  """The classifier missed its accuracy floor: sample-quality metrics would mislead."""


@dataclasses.dataclass(frozen=True)
class ClassifierConfig:
  batch_size: int = 128
  learning_rate: float = 1e-3
  min_accuracy: float = 0.99
  seed: int = 0
  shuffle_buffer: int = 10000
  # Real images per side of the floor's FID. FID is biased by N, so this must equal the
  # number of generated images each evaluation scores (the pipeline's eval_samples); the
  # Evaluator refuses to compare figures measured at different N.
  floor_samples: int = 10_000


class ClassifierModule(tf.Module):
  """images -> {logits, embedding}; tracks variables only, like models/export.py (Keras 3)."""

  def __init__(self, model):
    super().__init__(name='mnist_classifier')
    self._model = lambda images: model(images, training=False)
    self.variables_to_save = [getattr(v, 'value', v) for v in model.weights]
    self.serve = tf.function(
        lambda images: dict(zip((classifier_spec.LOGITS_OUTPUT, classifier_spec.EMBEDDING_OUTPUT),
                                self._model(images))),
        input_signature=[tf.TensorSpec([None, *examples.MODEL_IMAGE_SHAPE], tf.float32,
                                       name=classifier_spec.IMAGES_INPUT)])


def _dataset(fn_args, files, config, repeat):
  return examples_input.examples_dataset(fn_args, files, config.batch_size,
                                         config.shuffle_buffer, config.seed, repeat)


def fit_classifier(dataset, config: ClassifierConfig, steps: int):
  """The CNN trained for `steps` batches of `dataset` ((images, labels), endless).

  The one training recipe, used by run_fn and by bench/gate_spread.py (classifier seeds).
  """
  keras.utils.set_random_seed(config.seed)
  model = clf.build_classifier()
  schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps)
  clf.compile_classifier(model, learning_rate=schedule)
  logging.info('Training the MNIST classifier for %d steps of %d', steps, config.batch_size)
  model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=2)
  return model


def train_classifier(fn_args, config: ClassifierConfig, steps: int):
  return fit_classifier(_dataset(fn_args, fn_args.train_files, config, repeat=True), config,
                        steps)


def evaluate(model, fn_args, config) -> float:
  correct = total = 0
  for images, labels in _dataset(fn_args, fn_args.eval_files, config, repeat=False):
    predicted = tf.argmax(model(images, training=False), axis=-1, output_type=tf.int32)
    correct += int(tf.reduce_sum(tf.cast(predicted == labels, tf.int32)))
    total += int(tf.size(labels))
  if not total:
    raise ValueError(f'the eval split {fn_args.eval_files} has no examples')
  return correct / total


def _first_images(fn_args, files, config, count):
  """Up to `count` (images [n, 28, 28, 1] in [0, 1], labels) of `files`, one pass in order."""
  images, labels = [], []
  seen = 0
  for batch_images, batch_labels in _dataset(fn_args, files, config, repeat=False):
    images.append(batch_images.numpy())
    labels.append(batch_labels.numpy())
    seen += len(batch_labels)
    if seen >= count:
      break
  if not images:
    raise ValueError(f'no examples in {files}')
  return np.concatenate(images)[:count], np.concatenate(labels)[:count]


def measure_floor(model, fn_args, config: ClassifierConfig) -> dict:
  """The gate's floor with `model`: min(floor_samples, |train|, |eval|) images per side."""
  train_x, _ = _first_images(fn_args, fn_args.train_files, config, config.floor_samples)
  eval_x, eval_y = _first_images(fn_args, fn_args.eval_files, config, config.floor_samples)
  count = min(len(train_x), len(eval_x))
  with_embedding = clf.with_embedding(model)

  def classify(images):
    logits, embedding = with_embedding(images, training=False)
    return logits.numpy(), embedding.numpy()

  return gate_floor.measure(classify, train_x[:count], eval_x[:count], eval_y[:count])


def run_fn(fn_args):
  config = from_custom_config(ClassifierConfig, fn_args.custom_config)
  if not fn_args.train_steps or fn_args.train_steps <= 0:
    raise ValueError(f'TrainArgs.num_steps must be positive, got {fn_args.train_steps}')
  if config.floor_samples < 2:
    raise ValueError(f'ClassifierTrainer custom_config floor_samples must be >= 2 (FID needs '
                     f'a covariance), got {config.floor_samples}')
  model = train_classifier(fn_args, config, fn_args.train_steps)
  accuracy = evaluate(model, fn_args, config)
  logging.info('Classifier accuracy on the eval split: %.4f', accuracy)
  if accuracy < config.min_accuracy:
    raise ClassifierTooWeakError(
        f'classifier accuracy {accuracy:.4f} on the eval split is below min_accuracy '
        f'{config.min_accuracy}; nothing exported (train longer: TrainArgs.num_steps)')
  floor = measure_floor(model, fn_args, config)
  logging.info('Gate floor (real train vs real eval): %s', floor)
  module = ClassifierModule(clf.with_embedding(model))
  tf.saved_model.save(module, fn_args.serving_model_dir,
                      signatures={classifier_spec.SIGNATURE: module.serve})
  gate_floor.write(fn_args.serving_model_dir, floor, gfile=tf.io.gfile)
  with tf.io.gfile.GFile(os.path.join(fn_args.serving_model_dir, METRICS_FILE), 'w') as f:
    json.dump({'eval_accuracy': accuracy, 'train_steps': fn_args.train_steps,
               **dataclasses.asdict(config)}, f, indent=2)
