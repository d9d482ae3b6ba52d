"""GAN losses as pure functions of discriminator logits.

Every discriminator returns logits; the final sigmoid/softmax of the original designs lives
here in log-space form (log_sigmoid / softmax cross-entropy), which is the same function but
cannot produce log(0) = -inf. `LOSSES[kind]` bundles the pieces the training step needs.
"""
import dataclasses
from typing import Callable

import tensorflow as tf

REAL, FAKE = 1, 0  # class ids of the 2-way softmax discriminator


def _mean(x):
  return tf.reduce_mean(tf.cast(x, tf.float32))


# --- nonsaturating: sigmoid D, G maximises log D(fake) (Goodfellow et al. 2014, sec. 3).
# D loss  -[log D(real) + log(1 - D(fake))] = softplus(-l_real) + softplus(l_fake), which is
# also exactly sigmoid cross-entropy with targets 1/0 (DCGAN-tensorflow, TF tutorial, Keras BCE).
def nonsaturating_real_term(real_logits):
  return _mean(tf.nn.softplus(-tf.cast(real_logits, tf.float32)))


def nonsaturating_fake_term(fake_logits):
  return _mean(tf.nn.softplus(tf.cast(fake_logits, tf.float32)))


def nonsaturating_discriminator_loss(real_logits, fake_logits):
  return nonsaturating_real_term(real_logits) + nonsaturating_fake_term(fake_logits)


def nonsaturating_generator_loss(fake_logits):
  return _mean(tf.nn.softplus(-tf.cast(fake_logits, tf.float32)))  # -log D(fake)


def sigmoid_probability(logits):
  return tf.sigmoid(tf.cast(logits, tf.float32))[..., 0]


# --- softmax2: 2-class real/fake softmax with sparse softmax cross-entropy (tf.layers DCGAN).
def _xent(logits, target):
  logits = tf.cast(logits, tf.float32)
  labels = tf.fill(tf.shape(logits)[:1], target)
  return _mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def softmax2_real_term(real_logits):
  return _xent(real_logits, REAL)


def softmax2_fake_term(fake_logits):
  return _xent(fake_logits, FAKE)


def softmax2_discriminator_loss(real_logits, fake_logits):
  return softmax2_real_term(real_logits) + softmax2_fake_term(fake_logits)


def softmax2_generator_loss(fake_logits):
  return _xent(fake_logits, REAL)  # G's target is "real"


def softmax2_probability(logits):
  return tf.nn.softmax(tf.cast(logits, tf.float32))[..., REAL]


# --- hinge (Lim & Ye 2017; SAGAN/BigGAN): D max-margin, G raises D's score on fakes.
def hinge_real_term(real_logits):
  return _mean(tf.nn.relu(1.0 - tf.cast(real_logits, tf.float32)))


def hinge_fake_term(fake_logits):
  return _mean(tf.nn.relu(1.0 + tf.cast(fake_logits, tf.float32)))


def hinge_discriminator_loss(real_logits, fake_logits):
  return hinge_real_term(real_logits) + hinge_fake_term(fake_logits)


def hinge_generator_loss(fake_logits):
  return -_mean(fake_logits)


@dataclasses.dataclass(frozen=True)
class LossKind:
  generator: Callable
  discriminator: Callable
  real_term: Callable  # used when D takes separate steps on real and fake batches
  fake_term: Callable
  probability: Callable  # logits -> "D says real" in [0, 1], for monitoring only


LOSSES = {
    'nonsaturating': LossKind(nonsaturating_generator_loss, nonsaturating_discriminator_loss,
                              nonsaturating_real_term, nonsaturating_fake_term,
                              sigmoid_probability),
    'softmax2': LossKind(softmax2_generator_loss, softmax2_discriminator_loss,
                         softmax2_real_term, softmax2_fake_term, softmax2_probability),
    # For hinge D the logit is a score; sigmoid(score) is still a monotone "realness" gauge.
    'hinge': LossKind(hinge_generator_loss, hinge_discriminator_loss,
                      hinge_real_term, hinge_fake_term, sigmoid_probability),
}
