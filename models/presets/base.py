"""The Preset record and layers shared by the conditional architectures.

A preset is data: how to build G and D plus every training hyperparameter of the design it
reproduces. Generators are called as `G(noise, labels=None, training=...)` and return images
in the preset's `pixel_range`; discriminators as `D(images, labels=None, training=...)` and
return logits (see models/losses.py), so one training loop drives all of them.
"""
import dataclasses
from typing import Callable, Optional

import keras
import tensorflow as tf

from formats import examples

NUM_CLASSES = examples.NUM_CLASSES
IMAGE_SHAPE = examples.MODEL_IMAGE_SHAPE  # what G draws and D judges


@dataclasses.dataclass(frozen=True)
class Preset:
  name: str
  description: str
  build_generator: Callable[[], keras.Model]
  build_discriminator: Callable[[], keras.Model]
  loss: str  # key of models.losses.LOSSES
  noise_dim: int
  noise: str  # 'uniform' = U(-1, 1), 'normal' = N(0, 1)
  conditional: bool
  batch_size: int
  lr_g: float
  lr_d: float
  beta_1: float = 0.9
  beta_2: float = 0.999
  # Schedule, per training step (one real batch): D updates first, then `g_steps_per_d` G
  # updates; the first `d_pretrain_steps` steps update D only. `d_split_real_fake` makes D
  # take two optimizer steps (real batch, then fake batch) like Keras train_on_batch code.
  # `d_optimizer_per_term` gives D's real and fake terms an Adam each, both stepping every
  # D update, the gradients taken at the same weights (the TF GAN tutorial's two minimize
  # ops in one sess.run). `simultaneous` updates D and G from one shared forward pass
  # (tensorflow.org DCGAN).
  g_steps_per_d: int = 1
  d_pretrain_steps: int = 0
  d_split_real_fake: bool = False
  d_optimizer_per_term: bool = False
  simultaneous: bool = False
  # Noise of the G updates in an alternating step: 'shared' = the D update's z, as the
  # DCGAN-tensorflow and Keras-DCGAN originals feed one z batch to every update (and the
  # first G update reuses D's G forward pass); 'fresh' = new noise per G update, as the
  # vanilla GAN and the TF tutorial originals sample z again for the G step.
  g_noise: str = 'shared'
  pixel_range: str = 'unit'  # generator output and training data: 'unit' [0,1], 'symmetric' [-1,1]
  ema_decay: Optional[float] = None  # exponential moving average of G's weights, exported


# The label glue is keras.ops, not tf: the same TensorFlow ops, but Keras can also trace
# them symbolically, so the architecture pictures (models/architecture.py) show the
# conditional presets' layers instead of one box.
def one_hot(labels):
  return keras.ops.one_hot(keras.ops.cast(labels, 'int32'), NUM_CLASSES)


def concat_label_maps(x, y_onehot):
  """Appends the one-hot label as constant feature maps (DCGAN-tensorflow conv_cond_concat)."""
  y_onehot = keras.ops.cast(y_onehot, x.dtype)
  maps = keras.ops.ones_like(x[..., :1]) * y_onehot[:, None, None, :]  # [N, H, W, classes]
  return keras.ops.concatenate([x, maps], axis=-1)


def concat_label(x, y_onehot):
  return keras.ops.concatenate([x, keras.ops.cast(y_onehot, x.dtype)], axis=-1)
