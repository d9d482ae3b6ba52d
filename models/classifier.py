"""A small MNIST CNN classifier (Keras 3) with logits and a 128-d embedding.

Used to measure generated samples: class accuracy (does G draw the requested digit?) and a
Frechet distance between real and generated embeddings (FID computed in this classifier's
space rather than Inception's). Inputs are images in [0, 1], [N, 28, 28, 1].
"""
import keras

from formats import examples

L = keras.layers
EMBEDDING_DIM = 128
EMBEDDING_LAYER = 'embedding'


def build_classifier(dropout=0.25):
  """Returns a Keras model images -> logits; its 'embedding' layer is the penultimate one."""
  inputs = keras.Input(examples.MODEL_IMAGE_SHAPE, name='images')
  h = L.Conv2D(32, 3, activation='relu')(inputs)
  h = L.Conv2D(64, 3, activation='relu')(h)
  h = L.MaxPooling2D(2)(h)
  h = L.Conv2D(64, 3, activation='relu')(h)
  h = L.MaxPooling2D(2)(h)
  h = L.Dropout(dropout)(L.Flatten()(h))
  embedding = L.Dense(EMBEDDING_DIM, activation='relu', name=EMBEDDING_LAYER)(h)
  logits = L.Dense(examples.NUM_CLASSES, name='logits')(L.Dropout(dropout)(embedding))
  return keras.Model(inputs, logits, name='mnist_classifier')


def with_embedding(classifier):
  """The same weights as a model images -> (logits, embedding)."""
  return keras.Model(classifier.inputs,
                     [classifier.outputs[0], classifier.get_layer(EMBEDDING_LAYER).output])


def compile_classifier(classifier, learning_rate=1e-3):
  classifier.compile(optimizer=keras.optimizers.Adam(learning_rate),
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                     metrics=['accuracy'])
  return classifier
