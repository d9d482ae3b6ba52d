"""TFMA gets a loaded SavedModel whose signatures are wrapped: the shape of both gate hooks.

TFMA calls a SavedModel through `model.signatures[name]`, reading each signature's
`structured_input_signature` to pick the features and calling it with them by keyword. A
hook that changes how a signature is fed (baseline_model.py: which feature feeds `noise`;
input_dtypes.py: the integer dtype of `label`) wraps each signature in an object with those
two attributes and a `__call__`, and hands TFMA a model loader that wraps on load.
"""
from typing import Any, Callable, Dict

import tensorflow_model_analysis as tfma

Wrap = Callable[[Any], Any]  # signature -> signature-like object


class WrappedModel:
  """A loaded SavedModel (or another WrappedModel) with each signature passed to `wrap`."""

  def __init__(self, loaded, wrap: Wrap):
    self.loaded = loaded  # keeps the SavedModel's variables alive
    self.signatures: Dict[str, Any] = {
        key: wrap(signature) for key, signature in loaded.signatures.items()}


def wrapped_shared_model(shared: tfma.types.EvalSharedModel,
                         wrap: Wrap) -> tfma.types.EvalSharedModel:
  """`shared`, its model loader wrapping every signature of the model it loads."""
  loader = shared.model_loader

  def construct():
    return WrappedModel(loader.construct_fn(), wrap)

  construct.wrap = wrap  # which hook wrapped it (loading is lazy; tests look here)
  return shared._replace(model_loader=tfma.types.ModelLoader(construct_fn=construct,
                                                             tags=loader.tags))
