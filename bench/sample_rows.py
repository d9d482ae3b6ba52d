"""One row of samples per run, stacked into one PNG (the per-preset figure of docs/quality.md).

  .venv/bin/python bench/sample_rows.py --out docs/quality_samples.png \
      /tmp/quality_curves/default.png /tmp/quality_curves/mlp.png ...

Each input is a final grid of bench/quality_curve.py (10 x 10 digits of 28 px, row r =
digit r for conditional presets). The row kept is digits 0-9 (the first column, read down)
for a conditional preset, and the first row for an unconditional one, whose rows are
just more samples. The preset is the file's stem (a bench/candidates.py label or preset),
or the part after '@' (`/tmp/quality_curves/dcgan_tutorial_original.png@dcgan_tutorial`).
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
from bench import candidates

CELL, COUNT = 28, 10


def sample_row(argument):
  path, _, name = argument.partition('@')
  grid = np.asarray(Image.open(path).convert('L'))
  if grid.shape != (CELL * COUNT, CELL * COUNT):
    raise SystemExit(f'{path}: expected a {COUNT}x{COUNT} grid of {CELL}-px digits, got '
                     f'{grid.shape[1]}x{grid.shape[0]} px')
  _, preset, _ = candidates.resolve(name or os.path.splitext(os.path.basename(path))[0])
  if preset.conditional:  # first column, digits 0..9, laid out left to right
    return np.concatenate([grid[r * CELL:(r + 1) * CELL, :CELL] for r in range(COUNT)], axis=1)
  return grid[:CELL]


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  parser.add_argument('--out', required=True)
  parser.add_argument('grids', nargs='+')
  args = parser.parse_args()
  rows = [sample_row(path) for path in args.grids]
  gap = np.full((2, CELL * COUNT), 255, np.uint8)  # a white line between runs
  image = np.concatenate([part for row in rows for part in (row, gap)][:-1])
  Image.fromarray(image).save(args.out)
  print(f'{args.out}: {len(rows)} rows ({", ".join(args.grids)})')


if __name__ == '__main__':
  main()
