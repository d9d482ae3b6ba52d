"""Pictures of a preset's generator and discriminator for the release page, drawn by Keras'
own `plot_model` (pydot + Graphviz's `dot`).

The discriminator is never exported, so the GAN Trainer draws both, after its export, into
`<serving model dir>/architecture/` (names in formats/release.py): the pusher ships that
folder inside the release's `saved_model/`, and the SavedModel loader ignores it.

Drawn from fresh models built by the preset's own builders: the picture is of the
architecture, and the trained models are left untouched. Our presets are subclassed Keras
models, which plot_model draws as a single box, so each is wrapped in a Functional model
over named inputs (`noise` or `image`, plus `label` for conditional presets) by calling
its `call` on them. Where the call is made of Keras layers and keras.ops only (every
preset's: the label glue of models/presets/base.py is keras.ops for this reason), that
Functional holds every sublayer and the picture shows them (nested Sequentials expanded);
a call using TensorFlow ops directly cannot be traced symbolically, and would show the
model as one box between its inputs and output, each with its shape.

A picture never fails a training: without pydot or `dot` (Debian's `graphviz`), or on any
error while drawing, the Trainer logs one warning line and writes `not_drawn.txt` with the
reason instead, which the release page shows.
"""
import importlib.util
import os
import shutil
import tempfile
from typing import Callable, List, Optional

from absl import logging
import keras
import tensorflow as tf

from formats import examples, generator_spec, release
from models.presets import IMAGE_SHAPE

DPI = 72  # plot_model's default of 200 makes a page-wide picture of every small model


def missing_tool() -> Optional[str]:
  """Why plot_model cannot draw here (pydot or Graphviz's `dot` missing), or None."""
  if importlib.util.find_spec('pydot') is None:
    return 'pydot is not installed (pip install -c constraints.txt -e .)'
  if shutil.which('dot') is None:
    return "Graphviz's `dot` is not on PATH (Debian: apt-get install graphviz)"
  return None


def _inputs(preset, first_name: str, first_shape) -> List[keras.KerasTensor]:
  inputs = [keras.Input(first_shape, name=first_name)]
  if preset.conditional:  # unconditional models ignore labels: an unused input can't be drawn
    # int32: what the training loop feeds G and D (models/gan.py), not a signature's dtype.
    inputs.append(keras.Input((), dtype='int32', name=generator_spec.LABEL_INPUT))
  return inputs


def functional(build: Callable[[], keras.Model], inputs, name: str) -> keras.Model:
  """A Functional model computing `build()` over `inputs`: with the model's sublayers when
  Keras can trace its call symbolically, else with the model as one layer."""
  try:
    outputs = build().call(*inputs, training=False)
  except ValueError:  # "A KerasTensor cannot be used as input to a TensorFlow function"
    outputs = build()(*inputs, training=False)
  return keras.Model(inputs, outputs, name=name)


def models(preset) -> dict:
  """{'generator': Functional, 'discriminator': Functional} of the preset, for drawing."""
  return {
      'generator': functional(preset.build_generator,
                              _inputs(preset, generator_spec.NOISE_INPUT, (preset.noise_dim,)),
                              'generator'),
      'discriminator': functional(preset.build_discriminator,
                                  _inputs(preset, examples.IMAGE_FEATURE, IMAGE_SHAPE),
                                  'discriminator'),
  }


def draw(preset, folder: str) -> List[str]:
  """Writes the two PNGs of formats/release.py into the local `folder`; returns their paths.

  Raises what plot_model raises (ImportError without pydot or `dot`)."""
  paths = []
  for role, model in models(preset).items():
    path = os.path.join(folder, release.ARCHITECTURE_PICTURES[role])
    # plot_model's own graph (model_to_dot), written here so that a layout Graphviz cannot
    # route can be retried: Debian 12's dot 2.42 aborts on some graphs (dcgan_projection's
    # D: "maze.c: chkSgraph: Assertion failed") with the orthogonal edges Keras asks for.
    dot = keras.utils.model_to_dot(model, show_shapes=True, show_layer_names=True,
                                   show_layer_activations=True, expand_nested=True, dpi=DPI)
    try:
      dot.write(path, format='png')
    except AssertionError:  # pydot's "dot returned code -6"
      dot.set('splines', 'polyline')
      dot.write(path, format='png')
    paths.append(path)
  return paths


def write_pictures(preset, serving_model_dir: str) -> Optional[str]:
  """Draws into `<serving_model_dir>/architecture/` (any filesystem tf.io.gfile reaches).

  Returns None, or the reason the pictures were not drawn: then logged as one warning and
  written to `not_drawn.txt` there. Never raises: training must not fail for a picture.
  """
  target = os.path.join(serving_model_dir, release.ARCHITECTURE_DIR)
  reason = missing_tool()
  if reason is None:
    try:
      with tempfile.TemporaryDirectory(prefix='architecture-') as local:
        drawn = draw(preset, local)  # pydot writes local files only; gs:// needs a copy
        tf.io.gfile.makedirs(target)
        for path in drawn:
          tf.io.gfile.copy(path, os.path.join(target, os.path.basename(path)), overwrite=True)
      return None
    except Exception as e:  # pylint: disable=broad-except  # never fail training for a picture
      reason = f'{type(e).__name__}: {e}'.splitlines()[0]
  logging.warning('Architecture pictures of G and D not drawn: %s', reason)
  try:
    tf.io.gfile.makedirs(target)
    with tf.io.gfile.GFile(os.path.join(target, release.NOT_DRAWN_FILE), 'w') as f:
      f.write(reason + '\n')
  except Exception as e:  # pylint: disable=broad-except
    logging.warning('Could not record why in %s: %s', target, e)
  return reason
