"""The layout of a release in a serving directory, for the pusher that writes it and the
readers (the generate CLI, apps) that follow it.

    <serving_dir>/LATEST                      the newest complete version's name, one line
    <serving_dir>/<version>/manifest.json     written last: a version without it is unfinished
    <serving_dir>/<version>/saved_model/      the generator SavedModel + generator_spec.json
    <serving_dir>/<version>/saved_model/architecture/generator.png, discriminator.png
                                              pictures of G and D, or not_drawn.txt (why not)
    <serving_dir>/<version>/tflite/<variant>/model.tflite, card.json

Versions are decimal numbers (seconds since the epoch, or past the newest), so the newest
is the largest. Each card's `file` names the model file beside it (`model.tflite`).
"""
import os
from typing import Any, Dict

from formats import tflite_model, variants

LATEST = 'LATEST'
MANIFEST = 'manifest.json'
SAVED_MODEL_DIR = 'saved_model'
TFLITE_DIR = 'tflite'
TFLITE_FILE = 'model.tflite'
CARD_FILE = tflite_model.CARD_FILE
# Inside the SavedModel folder: the Trainer draws there (it has both G and D; D is never
# exported) and the pusher ships that folder whole. The SavedModel loader ignores it.
ARCHITECTURE_DIR = 'architecture'
ARCHITECTURE_PICTURES = {'generator': 'generator.png', 'discriminator': 'discriminator.png'}
NOT_DRAWN_FILE = 'not_drawn.txt'  # instead of the pictures: one line saying why


def saved_model_dir(version_dir: str) -> str:
  return os.path.join(version_dir, SAVED_MODEL_DIR)


def architecture_dir(version_dir: str) -> str:
  return os.path.join(saved_model_dir(version_dir), ARCHITECTURE_DIR)


def tflite_dir(version_dir: str, variant: str) -> str:
  return os.path.join(version_dir, TFLITE_DIR, variants.check(variant))


def tflite_file(version_dir: str, variant: str) -> str:
  return os.path.join(tflite_dir(version_dir, variant), TFLITE_FILE)


def card_file(version_dir: str, variant: str) -> str:
  return os.path.join(tflite_dir(version_dir, variant), CARD_FILE)


def released_card(card: Dict[str, Any]) -> Dict[str, Any]:
  """An exported variant's card as shipped in a release: naming the file it sits beside."""
  return dict(card, **{tflite_model.CARD_FILE_FIELD: TFLITE_FILE})


def is_version(folder: str) -> bool:
  """Whether a local `folder` is a complete version (its manifest, written last, exists)."""
  return os.path.isfile(os.path.join(folder, MANIFEST))


def latest_version(serving_dir: str) -> str:
  """The path of the version LATEST names in a local serving directory."""
  with open(os.path.join(serving_dir, LATEST)) as f:
    return os.path.join(serving_dir, f.read().strip())
