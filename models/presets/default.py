"""`default`: `cbn` with the hinge loss, the best measured sample quality per CPU-minute.

G: [z (64, N(0,1)), one-hot y] -> dense 7x7x64 -> class-conditional BatchNorm, ReLU ->
transposed conv 32 4x4 s2 (14x14) -> cBN, ReLU -> transposed conv 1 4x4 s2 (28x28) -> tanh
(models/presets/cbn.py). D: `dcgan_projection`'s projection discriminator (conv 32, conv 64,
dense 256, dense 1 + <embed(y), features>). Hinge loss (Lim & Ye 2017; SNGAN, BigGAN), Adam
2e-4 (beta1 0.5) for both, batch 64, EMA of G (0.999, warmed up) exported, data in [-1, 1].
docs/quality.md has the curves behind the choice: against `dcgan_projection` at equal steps
the hinge loss and conditional BatchNorm each lower FID, together about halve it.

D's output bias gets no gradient while every logit is inside the hinge margin (|l| < 1, as
at initialisation): the real and fake terms' -1 and +1 cancel. It is kept, as measured; it
moves once logits leave the margin (tests/models/test_presets.py checks the cancellation is
all that holds it still).
"""
import dataclasses

from models.presets import cbn

PRESET = dataclasses.replace(
    cbn.PRESET, name='default',
    description='cbn with the hinge loss: conditional BatchNorm in G, projection D, EMA generator',
    loss='hinge')
