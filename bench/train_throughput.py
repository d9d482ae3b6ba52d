"""Training throughput: our loop vs the tensorflow.org DCGAN loop vs Keras train_on_batch.

Same G/D (from models.presets), same batch size, same process, same tf.data input:
  ours        models.loop.train with all machinery on (checkpoints, TensorBoard scalars and
              image grids, PNG samples, progress log, NaN guard) at short intervals
  ours_sim    the same with simultaneous=True (the update rule the tutorial loop uses)
With --steps_per_call 1,10,50 each of ours and ours_sim is timed once per K, as ours@1,
ours@10, ..., K steps per compiled call (the intervals are multiples of 10 and 50, so calls
of those K are not cut short by them).
With --guard_cost it times instead the compiled step of two identical Gans, one with the
in-step non-finite check (loss, gradient norm, weights; models/gan.py) and one with its flag
replaced by a constant, alternating blocks of steps so that drifts of a shared machine hit
both alike; it prints the median per-step times and the guard's share.
  plain       tensorflow.org DCGAN tutorial: two GradientTapes in one @tf.function step
  on_batch    Keras DCGAN original: D.train_on_batch(real), D.train_on_batch(fake), then a
              combined G->D model (D.trainable = False) .train_on_batch(noise)
Each is timed over --steps steps after --warmup steps (tracing excluded); our loop from the
end of the call that reaches step --warmup to the end of the one that reaches
warmup + steps, in one run. The four
are measured in turn, --rounds times, and the median of each is reported: on a shared
2-core machine single measurements of the same loop vary by 20%.
Before timing, each reference loop is checked to update what its original updates (D by
the D calls, G and not D by the G call), so a reference that silently skips work cannot
look fast.

  python bench/train_throughput.py [--presets dcgan_tutorial,default] [--steps 150]
      [--loops ours,plain] [--steps_per_call 1,10,50] [--guard_cost --blocks 30]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from formats import examples as example_layout  # pylint: disable=wrong-import-position
from formats import mnist_idx  # pylint: disable=wrong-import-position
from models import data, gan, loop, observe  # pylint: disable=wrong-import-position
from models.config import TrainConfig  # pylint: disable=wrong-import-position

MACHINERY = dict(checkpoint_interval=100, sample_interval=100, summary_interval=20,
                 log_interval=50, d_pretrain_steps=0)


def _sample(preset, shape):
  if preset.noise == 'normal':
    return tf.random.normal(shape)
  return tf.random.uniform(shape, -1.0, 1.0)


class _ClockedObserver(observe.Observer):
  """The loop's Observer, noting when each call's results reached the host."""
  ends = {}

  def on_call(self, first_step, metrics):
    super().on_call(first_step, metrics)
    _ClockedObserver.ends[first_step + len(metrics['d_loss'])] = time.perf_counter()


def time_ours(preset_name, ds, steps, warmup, **overrides):
  """img/s of one loop.train run between the ends of steps `warmup` and `warmup + steps`
  (both call ends for K dividing `warmup`): tracing and set-up excluded, checkpoints,
  summaries, grids and log lines inside the window included."""
  config = TrainConfig(preset=preset_name, **MACHINERY, **overrides)
  _ClockedObserver.ends = {}
  real, loop.Observer = loop.Observer, _ClockedObserver
  try:
    with tempfile.TemporaryDirectory() as run_dir:
      loop.train(config, ds, warmup + steps, run_dir)
  finally:
    loop.Observer = real
  ends = _ClockedObserver.ends
  if warmup not in ends:
    raise ValueError(f'--warmup {warmup} is not the end of a call of K = '
                     f'{config.steps_per_call}: choose a multiple of every K')
  return steps * config.effective_preset().batch_size / (ends[warmup + steps] - ends[warmup])


class UnguardedGan(gan.Gan):
  """A Gan whose non-finite flag is a constant 0: for timing the guard only, never training."""

  def _nonfinite_flag(self, metrics):
    return tf.constant(0)


def guard_cost(preset_name, ds, blocks, block_steps=20):
  """Median seconds per step of the guarded and the unguarded step, alternating blocks."""
  config = TrainConfig(preset=preset_name, d_pretrain_steps=0)
  preset = config.effective_preset()
  strategy = tf.distribute.get_strategy()
  gans = {'guarded': gan.Gan(preset, config, strategy),
          'unguarded': UnguardedGan(preset, config, strategy)}
  it = iter(ds)
  per_step = {k: [] for k in gans}
  for block in range(blocks + 1):  # block 0 traces and warms up; not counted
    for key, g in gans.items():
      t0 = time.perf_counter()
      for _ in range(block_steps):
        # The loop reads the flag and the losses every step: so does this.
        metrics = g.train_step(*next(it))
        int(metrics.pop('nonfinite')), [float(v) for v in metrics.values()]
      if block:
        per_step[key].append((time.perf_counter() - t0) / block_steps)
  return {k: statistics.median(v) for k, v in per_step.items()}


def _with_k(loops, ks):
  """ours and ours_sim become ours@K, ours_sim@K for each K when K values are given."""
  if not ks:
    return loops
  return [f'{loop_name}@{k}' if loop_name in ('ours', 'ours_sim') else loop_name
          for loop_name in loops for k in (ks if loop_name in ('ours', 'ours_sim') else [0])]


def to_pixel_range(preset, images):
  """Data in [0, 1] -> the preset's training range."""
  return images * 2 - 1 if preset.pixel_range == 'symmetric' else images


def check_updates(label, step, updates, frozen):
  """Runs `step()` once; every trainable variable of `updates` must change, no weight of
  `frozen` (whose trainable_variables are empty while frozen, hence `weights`)."""
  variables = [m.trainable_variables for m in updates] + [m.weights for m in frozen]
  before = [[v.numpy().copy() for v in vs] for vs in variables]
  step()
  moved = [sum(not np.array_equal(b, v.numpy()) for b, v in zip(bs, vs))
           for bs, vs in zip(before, variables)]
  expected = [len(vs) for vs in variables[:len(updates)]] + [0] * len(frozen)
  if moved != expected:
    raise RuntimeError(f'{label}: changed variables {moved}, expected {expected} '
                       f'(models {[m.name for m in updates + frozen]})')


def time_plain(preset, ds, steps, warmup):
  """The tensorflow.org DCGAN tutorial's train_step, on our architecture."""
  G, D = preset.build_generator(), preset.build_discriminator()
  g_opt, d_opt = keras.optimizers.Adam(preset.lr_g), keras.optimizers.Adam(preset.lr_d)
  bce = keras.losses.BinaryCrossentropy(from_logits=True)

  @tf.function
  def train_step(images, labels):
    noise = _sample(preset, [preset.batch_size, preset.noise_dim])
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
      generated = G(noise, labels, training=True)
      real_output = D(to_pixel_range(preset, images), labels, training=True)
      fake_output = D(generated, labels, training=True)
      gen_loss = bce(tf.ones_like(fake_output), fake_output)
      disc_loss = bce(tf.ones_like(real_output), real_output) + \
          bce(tf.zeros_like(fake_output), fake_output)
    g_opt.apply_gradients(zip(gen_tape.gradient(gen_loss, G.trainable_variables),
                              G.trainable_variables))
    d_opt.apply_gradients(zip(disc_tape.gradient(disc_loss, D.trainable_variables),
                              D.trainable_variables))

  it = iter(ds)
  check_updates('plain', lambda: train_step(*next(it)), [G, D], [])
  return _time_steps(lambda: train_step(*next(it)), steps, warmup, preset.batch_size)


def _time_steps(step, steps, warmup, batch_size):
  for _ in range(warmup):
    step()
  t0 = time.perf_counter()
  for _ in range(steps):
    step()
  return steps * batch_size / (time.perf_counter() - t0)


def time_on_batch(preset, ds, steps, warmup):
  """Keras DCGAN original: compiled D, combined model with D frozen, train_on_batch."""
  G, D = preset.build_generator(), preset.build_discriminator()
  image_in = keras.Input(example_layout.MODEL_IMAGE_SHAPE)
  label_in = keras.Input((), dtype='int32')
  noise_in = keras.Input((preset.noise_dim,))
  d_model = keras.Model([image_in, label_in], D(image_in, label_in))
  d_model.compile(keras.optimizers.Adam(preset.lr_d, preset.beta_1),
                  keras.losses.BinaryCrossentropy(from_logits=True))
  b = preset.batch_size
  ones, zeros = np.ones((b, 1), np.float32), np.zeros((b, 1), np.float32)
  it = iter(ds)
  images, labels = next(it)
  # Keras 2 fixed the trainable weights at compile(); Keras 3 reads `trainable` when the
  # train function is first traced. Trace D's before freezing D for the combined model, or
  # D.train_on_batch trains nothing (Keras warns "does not have any trainable weights").
  check_updates('on_batch D', lambda: d_model.train_on_batch(
      [to_pixel_range(preset, images.numpy()), labels.numpy()], ones), [D], [])
  d_model.trainable = False
  combined = keras.Model([noise_in, label_in], d_model([G(noise_in, label_in), label_in]))
  combined.compile(keras.optimizers.Adam(preset.lr_g, preset.beta_1),
                   keras.losses.BinaryCrossentropy(from_logits=True))
  g_model = keras.Model([noise_in, label_in], G(noise_in, label_in))
  check_updates('on_batch G', lambda: combined.train_on_batch(
      [_sample(preset, [b, preset.noise_dim]).numpy(), labels.numpy()], ones), [G], [D])

  def step():
    images, labels = next(it)
    noise = _sample(preset, [b, preset.noise_dim]).numpy()
    labels = labels.numpy()
    fake = g_model.predict_on_batch([noise, labels])
    d_model.train_on_batch([to_pixel_range(preset, images.numpy()), labels], ones)
    d_model.train_on_batch([fake, labels], zeros)
    combined.train_on_batch([noise, labels], ones)

  return _time_steps(step, steps, warmup, b)


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--presets', default='dcgan_tutorial,dcgan_upsample,default')
  parser.add_argument('--steps', type=int, default=150)
  parser.add_argument('--warmup', type=int, default=50,
                      help='a multiple of every K (--steps_per_call)')
  parser.add_argument('--rounds', type=int, default=3)
  parser.add_argument('--loops', default='ours,ours_sim,plain,on_batch',
                      help='which of ours, ours_sim, plain, on_batch to time')
  parser.add_argument('--steps_per_call', default=None,
                      help='comma-separated K values: time ours and ours_sim once per K '
                      '(default: the TrainConfig default only)')
  parser.add_argument('--guard_cost', action='store_true',
                      help="time the non-finite guard's share of a step instead")
  parser.add_argument('--blocks', type=int, default=30,
                      help='--guard_cost: alternating blocks of 20 steps per variant')
  parser.add_argument('--mnist_dir', default=os.environ.get('MNIST_DIR',
                                                            '/work/shared/data/mnist'))
  args = parser.parse_args()
  images, labels = mnist_idx.load(args.mnist_dir, 'train', limit=20000)
  if args.guard_cost:
    print(f'{"preset":16s} {"batch":>5s} {"guarded ms":>10s} {"unguarded ms":>12s} {"guard":>7s}')
    for name in args.presets.split(','):
      preset = TrainConfig(preset=name).effective_preset()
      ds = data.numpy_dataset(images, labels, preset.batch_size, seed=0)
      t = guard_cost(name, ds, args.blocks)
      print(f'{name:16s} {preset.batch_size:5d} {t["guarded"] * 1e3:10.2f} '
            f'{t["unguarded"] * 1e3:12.2f} {t["guarded"] / t["unguarded"] - 1:+7.1%}',
            flush=True)
    return
  ks = [int(k) for k in args.steps_per_call.split(',')] if args.steps_per_call else None
  chosen = _with_k(args.loops.split(','), ks)
  ratios = [(a, b) for a in chosen for b in ('plain', 'on_batch')
            if a.startswith('ours') and b in chosen and (b == 'plain' or a == 'ours')]
  print(f'{"preset":16s} {"batch":>5s} ' + ' '.join(f'{k:>12s}' for k in chosen) + '  ' +
        ' '.join(f'{a}/{b}' for a, b in ratios) + '   (img/s)')
  for name in args.presets.split(','):
    preset = TrainConfig(preset=name).effective_preset()
    ds = data.numpy_dataset(images, labels, preset.batch_size, seed=0)
    loops = {
        'ours': lambda: time_ours(name, ds, args.steps, args.warmup),
        'ours_sim': lambda: time_ours(name, ds, args.steps, args.warmup, simultaneous=True),
        'plain': lambda: time_plain(preset, ds, args.steps, args.warmup),
        'on_batch': lambda: time_on_batch(preset, ds, args.steps, args.warmup),
    }
    for k in ks or []:
      loops[f'ours@{k}'] = lambda k=k: time_ours(name, ds, args.steps, args.warmup,
                                                 steps_per_call=k)
      loops[f'ours_sim@{k}'] = lambda k=k: time_ours(name, ds, args.steps, args.warmup,
                                                     simultaneous=True, steps_per_call=k)
    unknown = sorted(set(chosen) - set(loops))
    if unknown:
      parser.error(f'--loops: unknown {unknown}; choose from {sorted(loops)}')
    runs = {k: [] for k in chosen}
    for _ in range(args.rounds):  # interleaved, so drifts of the machine hit every loop
      for key in chosen:
        runs[key].append(loops[key]())
    print(f'  {name} rounds: ' + '  '.join(
        f'{k} {[round(r) for r in v]}' for k, v in runs.items()), flush=True)
    median = {k: statistics.median(v) for k, v in runs.items()}
    print(f'{name:16s} {preset.batch_size:5d} ' +
          ' '.join(f'{median[k]:12.0f}' for k in chosen) + '  ' +
          ' '.join(f'{median[a] / median[b]:{len(a) + len(b) + 1}.2f}' for a, b in ratios),
          flush=True)

if __name__ == '__main__':
  main()
