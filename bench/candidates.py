"""The candidates measured for `default`, by label: what each changes, as data.

A candidate is a registered preset plus TrainConfig overrides (`config`), other Preset field
changes (`replace`), and optionally a Gan subclass (`gan`, e.g. an R1 penalty the
pipeline's step does not have yet). bench/quality_curve.py trains one; bench/step_cost.py
times several against each other. Any registered preset name is a candidate as it is.
"""
import dataclasses
import functools

import tensorflow as tf

from models import gan as gan_lib
from models.config import TrainConfig
from models.presets import PRESETS
from models.presets import dcgan_projection


class R1Gan(gan_lib.Gan):
  """D's loss + gamma/2 * E ||grad_x D(x)||^2 on real images (Mescheder et al. 2018)."""

  r1_gamma = 1.0

  def _d_update(self, real, labels, fake):
    if self.preset.d_split_real_fake or self.preset.d_optimizer_per_term:
      raise ValueError('R1Gan: presets with d_split_real_fake or d_optimizer_per_term are '
                       'not supported (one D update on the summed loss only)')
    variables = self.discriminator.trainable_variables
    with tf.GradientTape() as tape:
      with tf.GradientTape() as input_tape:
        input_tape.watch(real)
        real_logits = self._d_logits(real, labels)
      # The logits themselves as target (the tape sums them): a tf.reduce_sum taken here,
      # outside input_tape's context, would not be recorded and the gradient come out None.
      gradient = input_tape.gradient(real_logits, real)
      penalty = tf.reduce_mean(tf.reduce_sum(tf.square(gradient), axis=[1, 2, 3]))
      fake_logits = self._d_logits(fake, labels)
      loss = self.loss.discriminator(real_logits, fake_logits) + 0.5 * self.r1_gamma * penalty
    return loss, real_logits, fake_logits, self._apply(self.d_opt, tape, loss, variables)


# All but `hinge_cbn` change `dcgan_projection`, the design the curves started from.
CANDIDATES = {
    'hinge': dict(preset='dcgan_projection', replace={'loss': 'hinge'}),
    # Two time-scale update rule (Heusel et al. 2017): D learns 4x faster than G.
    'ttur': dict(preset='dcgan_projection', config={'lr_g': 1e-4, 'lr_d': 4e-4}),
    # Twice the batch, learning rates scaled by sqrt(2) (Adam's usual batch scaling).
    'batch128': dict(preset='dcgan_projection', config={'batch_size': 128, 'lr_g': 2.83e-4,
                                                         'lr_d': 2.83e-4}),
    'wide48': dict(preset='dcgan_projection', replace={
        'build_generator': functools.partial(dcgan_projection.Generator, width=48),
        'build_discriminator': functools.partial(dcgan_projection.Discriminator, width=48)}),
    'r1': dict(preset='dcgan_projection', gan=R1Gan),
    # dcgan_tutorial with one Adam on D's summed loss, as every other preset trains D.
    'dcgan_tutorial_one_d_adam': dict(preset='dcgan_tutorial',
                                      config={'d_optimizer_per_term': False}),
    # cbn with the hinge loss: registered as `default`; the label names its curves.
    'hinge_cbn': dict(preset='default'),
    # The two changes that measured best on dcgan_projection, on top of `default`.
    'hinge_cbn_r1': dict(preset='default', gan=R1Gan),
    'hinge_cbn_batch128': dict(preset='default', config={'batch_size': 128, 'lr_g': 2.83e-4,
                                                         'lr_d': 2.83e-4}),
}


def resolve(label):
  """(TrainConfig, Preset, Gan class) of a candidate label or a registered preset name."""
  spec = CANDIDATES.get(label) or ({'preset': label} if label in PRESETS else None)
  if spec is None:
    raise SystemExit(f'unknown candidate {label!r}: choose from {sorted(CANDIDATES)} or a '
                     f'preset {sorted(PRESETS)}')
  config = TrainConfig(preset=spec['preset'], **spec.get('config', {}))
  preset = dataclasses.replace(config.effective_preset(), **spec.get('replace', {}))
  return config, preset, spec.get('gan', gan_lib.Gan)
