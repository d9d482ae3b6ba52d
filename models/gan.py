"""GAN state (G, D, EMA generator, optimizers, step counter) and its tf.function steps.

One training step consumes one real batch and follows the preset's schedule: D update(s),
then `g_steps_per_d` G updates (or one shared-forward simultaneous update); during the first
`d_pretrain_steps` steps only D trains. D's update is one optimizer step on the summed loss
(real + fake), or two: real term then fake term (`d_split_real_fake`), and/or each term with
its own Adam (`d_optimizer_per_term`: `d_opt` and `d_opt_fake_term`). The per-replica work
runs under `strategy.run`, with optional XLA (`jit_compile`) and mixed precision with dynamic
loss scaling; the same code runs on CPU with the default strategy.

Every step also returns `nonfinite`, an int32 bit set (NONFINITE_KINDS) computed inside the
compiled step from the losses, the gradients' global norm and the updated weights. Checking
the losses alone is not enough: on CPUs where oneDNN fuses MatMul+ReLU, a NaN activation
comes out as 0, so a NaN batch can leave every loss finite while the weights are already NaN.

`train_steps(iterator, n)` runs up to n steps in one compiled call (a tf.while_loop over a
distributed iterator) and returns every step's metrics and flag: the host reads them once
per call instead of once per step. It stops after the first non-finite step, so nothing
trains past it, and at the end of D pre-training, so one call never mixes the two steps.
"""
import keras
import tensorflow as tf

from models import losses, noise
from models.presets import IMAGE_SHAPE

# Seed purposes: keep noise of different updates in one step independent.
_D_NOISE, _G_NOISE = 0, 1

# Bit i of a step's `nonfinite` flag: NONFINITE_KINDS[i] was NaN or Inf.
NONFINITE_KINDS = ('loss', 'gradient', 'weights')
# The float32 scalars every step reports (see Gan._metrics).
METRICS = ('d_loss', 'g_loss', 'd_real', 'd_fake', 'grad_norm')


def nonfinite_kinds(flag: int) -> list:
  """The names of the bits set in a step's `nonfinite` flag."""
  return [kind for bit, kind in enumerate(NONFINITE_KINDS) if flag & (1 << bit)]


def _build_models(preset, mixed_precision):
  previous = keras.config.dtype_policy()
  keras.config.set_dtype_policy('mixed_float16' if mixed_precision else 'float32')
  try:
    nets = [preset.build_generator(), preset.build_discriminator()]
    if preset.ema_decay:
      nets.append(preset.build_generator())
  finally:
    keras.config.set_dtype_policy(previous)
  z, y = tf.zeros([2, preset.noise_dim]), tf.zeros([2], tf.int32)
  nets[1](tf.zeros([2, *IMAGE_SHAPE]), y)  # build variables eagerly, before any tracing
  for g in [nets[0]] + nets[2:]:
    g(z, y)
  return nets


def _optimizer(lr, preset, mixed_precision):
  opt = keras.optimizers.Adam(lr, beta_1=preset.beta_1, beta_2=preset.beta_2)
  return keras.optimizers.LossScaleOptimizer(opt) if mixed_precision else opt


class Gan:
  """Owns the trainable state; `train_step(images, labels)` runs one scheduled step and
  `train_steps(iterator, n)` up to n of them in one compiled call."""

  def __init__(self, preset, config, strategy):
    self.preset, self.config, self.strategy = preset, config, strategy
    self.loss = losses.LOSSES[preset.loss]
    self.mixed = config.mixed_precision
    with strategy.scope():
      nets = _build_models(preset, self.mixed)
      self.generator, self.discriminator = nets[0], nets[1]
      self.ema_generator = nets[2] if len(nets) > 2 else None
      self.g_opt = _optimizer(preset.lr_g, preset, self.mixed)
      self.d_opt = _optimizer(preset.lr_d, preset, self.mixed)
      # With `d_optimizer_per_term`, d_opt minimises D's real term and this one its fake
      # term: each term's steps are normalised by its own Adam moments.
      self.d_opt_fake_term = _optimizer(preset.lr_d, preset, self.mixed) \
          if preset.d_optimizer_per_term else None
      self.g_opt.build(self.generator.trainable_variables)
      self.d_opt.build(self.discriminator.trainable_variables)
      if self.d_opt_fake_term is not None:
        self.d_opt_fake_term.build(self.discriminator.trainable_variables)
      self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name='global_step')
    if self.ema_generator is not None:
      self.reset_ema()
    replica = tf.function(self._replica_step, jit_compile=config.jit_compile or None)
    pretrain = tf.function(self._replica_pretrain, jit_compile=config.jit_compile or None)
    self._train_fn = tf.function(lambda x, y: self._distributed(replica, x, y, ema=True))
    self._pretrain_fn = tf.function(lambda x, y: self._distributed(pretrain, x, y, ema=False))
    # `n` is passed as a tensor, so calls of any length share one trace.
    self._train_calls = tf.function(lambda it, n: self._steps(replica, it, n, ema=True))
    self._pretrain_calls = tf.function(lambda it, n: self._steps(pretrain, it, n, ema=False))

  @property
  def export_generator(self):
    return self.generator if self.ema_generator is None else self.ema_generator

  def reset_ema(self):
    """Sets the EMA generator to the generator's current weights (start of an average)."""
    for e, w in zip(self.ema_generator.weights, self.generator.weights):
      e.assign(w)

  def checkpoint(self):
    items = dict(generator=self.generator, discriminator=self.discriminator,
                 g_opt=self.g_opt, d_opt=self.d_opt, step=self.step)
    if self.ema_generator is not None:
      items['ema_generator'] = self.ema_generator
    if self.d_opt_fake_term is not None:  # only then: other presets' checkpoints unchanged
      items['d_opt_fake_term'] = self.d_opt_fake_term
    return tf.train.Checkpoint(**items)

  def train_step(self, images, labels):
    """Runs one step on a (distributed) batch; returns a dict of scalar tensors: the float32
    metrics and the int32 `nonfinite` flag (0 = all finite, see `nonfinite_kinds`)."""
    fn = self._pretrain_fn if int(self.step.numpy()) < self.preset.d_pretrain_steps \
        else self._train_fn
    return fn(images, labels)

  def train_steps(self, iterator, n):
    """Runs up to `n` steps on batches of the (distributed) `iterator` in one call.

    Fewer than `n` when D pre-training ends earlier (the next call continues with full
    steps) or a step is non-finite (it is the last one run). Returns numpy arrays, one
    entry per step run: METRICS (float32) and `nonfinite` (int32 flags).
    """
    step = int(self.step.numpy())
    pretraining = step < self.preset.d_pretrain_steps
    if pretraining:
      n = min(n, self.preset.d_pretrain_steps - step)
    fn = self._pretrain_calls if pretraining else self._train_calls
    return {k: v.numpy() for k, v in fn(iterator, tf.constant(n, tf.int32)).items()}

  # -- cross-replica part (outer tf.function) --------------------------------------------
  def _steps(self, replica_fn, iterator, n, ema):
    """The loop of `train_steps`, traced once: per-step results in TensorArrays."""
    results = {k: tf.TensorArray(tf.float32, size=0, dynamic_size=True) for k in METRICS}
    results['nonfinite'] = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    for i in tf.range(n):
      images, labels = next(iterator)
      metrics = self._distributed(replica_fn, images, labels, ema=ema)
      results = {k: results[k].write(i, metrics[k]) for k in results}
      if metrics['nonfinite'] != 0:
        break  # the state stays as this step left it; the host names the step
    return {k: v.stack() for k, v in results.items()}

  def _distributed(self, replica_fn, images, labels, ema):
    metrics = self.strategy.run(replica_fn, args=(images, labels, self.step.read_value()))
    metrics = {k: self.strategy.reduce('MEAN', v, axis=None) for k, v in metrics.items()}
    if ema and self.ema_generator is not None:
      self._update_ema()  # cross-replica context: one update of every mirrored copy
    self.step.assign_add(1)
    metrics['nonfinite'] = self._nonfinite_flag(metrics)
    return metrics

  def _nonfinite_flag(self, metrics):
    """Bit set over NONFINITE_KINDS, read after the updates (automatic control dependencies
    order the reads after the assignments)."""
    def all_finite(tensors):
      return tf.reduce_all([tf.reduce_all(tf.math.is_finite(t)) for t in tensors])
    nets = [self.generator, self.discriminator] + (
        [self.ema_generator] if self.ema_generator is not None else [])
    checks = [all_finite([metrics['d_loss'], metrics['g_loss']]),
              # With mixed precision an overflowing scaled gradient is expected: the loss
              # scale optimizer skips that update and lowers the scale, so only the weights
              # tell whether something really went bad.
              tf.constant(True) if self.mixed else all_finite([metrics['grad_norm']]),
              all_finite([w for net in nets for w in net.weights])]
    return tf.add_n([tf.where(ok, 0, 1 << bit) for bit, ok in enumerate(checks)])

  def _update_ema(self):
    # Warm-up as tf.train.ExponentialMovingAverage(num_updates=step): early on a 0.999
    # average would still be mostly the random initial weights.
    step = tf.cast(self.step, tf.float32)
    decay = tf.minimum(self.preset.ema_decay, (1.0 + step) / (10.0 + step))
    for e, w in zip(self.ema_generator.weights, self.generator.weights):
      # Batch-norm moving statistics are copied; trainable weights are averaged.
      e.assign(decay * e + (1.0 - decay) * w if w.trainable else w)

  # -- per-replica parts ------------------------------------------------------------------
  def _scale(self, images):
    return images * 2.0 - 1.0 if self.preset.pixel_range == 'symmetric' else images

  def _noise(self, batch, step, purpose):
    seed = noise.step_seed(self.config.seed, step, purpose)
    return noise.sample_noise(self.preset.noise, [batch, self.preset.noise_dim], seed)

  def _gradients(self, opt, tape, loss, variables):
    # Per-replica losses are means and the optimizer sums gradients over replicas, hence
    # 1/replicas; with mixed precision `opt`'s dynamic loss scale multiplies in too (opt.apply
    # unscales and skips non-finite steps). Seeding the backward pass with this factor
    # equals differentiating the scaled loss, without recording the scaling on the tape.
    factor = tf.constant(1.0 / self.strategy.num_replicas_in_sync)
    if self.mixed:
      factor = opt.scale_loss(factor)
    return tape.gradient(loss, variables, output_gradients=factor)

  def _apply(self, opt, tape, loss, variables):
    """One optimizer step; returns the gradients' global norm (of the scaled gradients with
    mixed precision)."""
    grads = self._gradients(opt, tape, loss, variables)
    opt.apply(grads, variables)
    return tf.linalg.global_norm(grads)

  def _d_logits(self, images, labels):
    return tf.cast(self.discriminator(images, labels, training=True), tf.float32)

  def _d_real_fake(self, real, fake, labels):
    # Two calls, not one on the concatenated batch: measured faster on 2 CPU cores
    # (docs/benchmarks.md), and BatchNorm-safe.
    return self._d_logits(real, labels), self._d_logits(fake, labels)

  def _d_update(self, real, labels, fake):
    d_vars = self.discriminator.trainable_variables
    fake_opt = self.d_opt if self.d_opt_fake_term is None else self.d_opt_fake_term
    if self.preset.d_split_real_fake:  # two optimizer steps, each with its own BN batch
      with tf.GradientTape() as tape:
        real_logits = self._d_logits(real, labels)
        loss_real = self.loss.real_term(real_logits)
      norm_real = self._apply(self.d_opt, tape, loss_real, d_vars)
      with tf.GradientTape() as tape:
        fake_logits = self._d_logits(fake, labels)
        loss_fake = self.loss.fake_term(fake_logits)
      norm_fake = self._apply(fake_opt, tape, loss_fake, d_vars)
      return loss_real + loss_fake, real_logits, fake_logits, _norm(norm_real, norm_fake)
    if self.d_opt_fake_term is not None:
      # The TF GAN tutorial's two `minimize` ops in one `sess.run`: both terms' gradients
      # at the same weights, then one step of each term's own optimizer.
      with tf.GradientTape(persistent=True) as tape:
        real_logits, fake_logits = self._d_real_fake(real, fake, labels)
        loss_real = self.loss.real_term(real_logits)
        loss_fake = self.loss.fake_term(fake_logits)
      grads = [self._gradients(opt, tape, term, d_vars)
               for opt, term in ((self.d_opt, loss_real), (fake_opt, loss_fake))]
      del tape
      for opt, term_grads in zip((self.d_opt, fake_opt), grads):
        opt.apply(term_grads, d_vars)
      return loss_real + loss_fake, real_logits, fake_logits, tf.linalg.global_norm(
          grads[0] + grads[1])
    with tf.GradientTape() as tape:
      real_logits, fake_logits = self._d_real_fake(real, fake, labels)
      loss = self.loss.discriminator(real_logits, fake_logits)
    norm = self._apply(self.d_opt, tape, loss, d_vars)
    return loss, real_logits, fake_logits, norm

  def _g_update(self, labels, z):
    g_vars = self.generator.trainable_variables
    with tf.GradientTape() as tape:
      fake = tf.cast(self.generator(z, labels, training=True), tf.float32)
      loss = self.loss.generator(self._d_logits(fake, labels))
    return loss, self._apply(self.g_opt, tape, loss, g_vars)

  def _metrics(self, d_loss, g_loss, real_logits, fake_logits, grad_norms):
    """`grad_norms`: the global norms of every update of the step, reported as one."""
    return {'d_loss': d_loss, 'g_loss': g_loss,
            'd_real': tf.reduce_mean(self.loss.probability(real_logits)),
            'd_fake': tf.reduce_mean(self.loss.probability(fake_logits)),
            'grad_norm': _norm(*grad_norms)}

  def _replica_pretrain(self, images, labels, step):
    real = self._scale(images)
    fake = self.generator(self._noise(tf.shape(labels)[0], step, _D_NOISE), labels,
                          training=True)
    d_loss, real_logits, fake_logits, d_norm = self._d_update(real, labels, tf.cast(fake, tf.float32))
    return self._metrics(d_loss, tf.constant(0.0), real_logits, fake_logits, [d_norm])

  def _replica_step(self, images, labels, step):
    if self.preset.simultaneous:
      return self._replica_simultaneous(images, labels, step)
    real = self._scale(images)
    batch, n_g = tf.shape(labels)[0], self.preset.g_steps_per_d
    z = self._noise(batch, step, _D_NOISE)
    if self.preset.g_noise == 'fresh':
      fake = self.generator(z, labels, training=True)
      d_loss, real_logits, fake_logits, d_norm = self._d_update(real, labels, tf.cast(fake, tf.float32))
      g_losses, g_norms = zip(*[self._g_update(labels, self._noise(batch, step, _G_NOISE + k))
                                for k in range(n_g)])
      return self._metrics(d_loss, tf.add_n(g_losses) / n_g, real_logits, fake_logits, [d_norm, *g_norms])
    # 'shared': every update of the step sees the same z. G's weights do not change during
    # the D update, so its first G update would recompute the very same fakes: record G's
    # forward pass once and let both updates use it (one G forward less per step).
    with tf.GradientTape() as g_tape:
      fake = tf.cast(self.generator(z, labels, training=True), tf.float32)
      with g_tape.stop_recording():
        d_loss, real_logits, fake_logits, d_norm = self._d_update(real, labels, tf.stop_gradient(fake))
      g_loss = self.loss.generator(self._d_logits(fake, labels))  # the updated D
    g_norm = self._apply(self.g_opt, g_tape, g_loss, self.generator.trainable_variables)
    more = [self._g_update(labels, z) for _ in range(1, n_g)]
    g_losses, g_norms = [g_loss] + [m[0] for m in more], [g_norm] + [m[1] for m in more]
    return self._metrics(d_loss, tf.add_n(g_losses) / n_g, real_logits, fake_logits, [d_norm, *g_norms])

  def _replica_simultaneous(self, images, labels, step):
    """tensorflow.org DCGAN style: one G forward feeds both losses; both apply at once."""
    real = self._scale(images)
    z = self._noise(tf.shape(labels)[0], step, _D_NOISE)
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
      fake = tf.cast(self.generator(z, labels, training=True), tf.float32)
      real_logits, fake_logits = self._d_real_fake(real, fake, labels)
      g_loss, d_loss = self.loss.generator(fake_logits), self.loss.discriminator(real_logits, fake_logits)
    g_norm = self._apply(self.g_opt, g_tape, g_loss, self.generator.trainable_variables)
    d_norm = self._apply(self.d_opt, d_tape, d_loss, self.discriminator.trainable_variables)
    return self._metrics(d_loss, g_loss, real_logits, fake_logits, [d_norm, g_norm])


def _norm(*norms):
  """The global norm of several gradient lists, given each one's global norm."""
  return tf.sqrt(tf.add_n([tf.square(n) for n in norms]))
