"""TFX Trainer entry point of the evaluation classifier: `run_fn(fn_args)`.

Trains models/classifier.py's CNN on the train split (Keras `fit` is fine here: only the
GANs need our own loop), measures accuracy on the whole eval split (the official 10,000
test images), refuses to export below `min_accuracy`, and exports a SavedModel whose
`serving_default(images float32 [N, 28, 28, 1] in [0, 1])` returns `logits` and
`embedding` (the penultimate layer) — the contract of components/sample_quality/classifier.py.
"""
import dataclasses
import json
import os

from absl import logging
import keras
import tensorflow as tf

from models import classifier as clf
from models import examples_input
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



class ClassifierModule(tf.Module):
  """images -> {logits, embedding}; tracks variables only, like models/export.py (Keras 3)."""

  def __init__(self, model):
    super().__init__(name='mnist_classifier')
    self._model = lambda images: model(images, training=False)
    self.variables_to_save = [getattr(v, 'value', v) for v in model.weights]
    self.serve = tf.function(
        lambda images: dict(zip(('logits', 'embedding'), self._model(images))),
        input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32, name='images')])


def _dataset(fn_args, files, config, repeat):
  return examples_input.examples_dataset(fn_args, files, config.batch_size,
                                         config.shuffle_buffer, config.seed, repeat)


def train_classifier(fn_args, config: ClassifierConfig, steps: int):
  keras.utils.set_random_seed(config.seed)
  model = clf.build_classifier()
  schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps)
  clf.compile_classifier(model, learning_rate=schedule)
  logging.info('Training the MNIST classifier for %d steps of %d', steps, config.batch_size)
  model.fit(_dataset(fn_args, fn_args.train_files, config, repeat=True), epochs=1,
            steps_per_epoch=steps, verbose=2)
  return model


def evaluate(model, fn_args, config) -> float:
  correct = total = 0
  for images, labels in _dataset(fn_args, fn_args.eval_files, config, repeat=False):
    predicted = tf.argmax(model(images, training=False), axis=-1, output_type=tf.int32)
    correct += int(tf.reduce_sum(tf.cast(predicted == labels, tf.int32)))
    total += int(tf.size(labels))
  if not total:
    raise ValueError(f'the eval split {fn_args.eval_files} has no examples')
  return correct / total


def run_fn(fn_args):
  config = from_custom_config(ClassifierConfig, fn_args.custom_config)
  if not fn_args.train_steps or fn_args.train_steps <= 0:
    raise ValueError(f'TrainArgs.num_steps must be positive, got {fn_args.train_steps}')
  model = train_classifier(fn_args, config, fn_args.train_steps)
  accuracy = evaluate(model, fn_args, config)
  logging.info('Classifier accuracy on the eval split: %.4f', accuracy)
  if accuracy < config.min_accuracy:
    raise ClassifierTooWeakError(
        f'classifier accuracy {accuracy:.4f} on the eval split is below min_accuracy '
        f'{config.min_accuracy}; nothing exported (train longer: TrainArgs.num_steps)')
  module = ClassifierModule(clf.with_embedding(model))
  tf.saved_model.save(module, fn_args.serving_model_dir,
                      signatures={'serving_default': module.serve})
  with tf.io.gfile.GFile(os.path.join(fn_args.serving_model_dir, METRICS_FILE), 'w') as f:
    json.dump({'eval_accuracy': accuracy, 'train_steps': fn_args.train_steps,
               **dataclasses.asdict(config)}, f, indent=2)
