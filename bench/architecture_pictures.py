"""What the GAN Trainer's pictures of G and D cost and show, per preset.

For each preset: the wall time of models/architecture.write_pictures (building fresh G and
D, wrapping them, plot_model for both), the PNG sizes and pixel sizes, and whether each
picture shows the model's layers or the model as one box (its Functional wrapper holds
only the inputs and the model). Needs Graphviz's `dot`.

  .venv/bin/python bench/architecture_pictures.py --out /tmp/architecture_pictures
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # pylint: disable=wrong-import-position
from PIL import Image  # pylint: disable=wrong-import-position

from formats import release  # pylint: disable=wrong-import-position
from models import architecture  # pylint: disable=wrong-import-position
from models.presets import PRESETS  # pylint: disable=wrong-import-position


def drawn_as(model) -> str:
  """'one box' when the wrapper holds just the subclassed model, else how many layers and
  ops the picture shows (a nested Sequential counts its layers: plot_model expands it)."""
  ops = [op for op in model.operations if not isinstance(op, keras.layers.InputLayer)]
  if len(ops) == 1 and isinstance(ops[0], keras.Model) and not isinstance(ops[0], keras.Sequential):
    return 'one box'
  count = sum(len(op.layers) if isinstance(op, keras.Sequential) else 1 for op in ops)
  return f'{count} layers/ops'


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--out', required=True, help='folder for one sub-folder per preset')
  parser.add_argument('--presets', nargs='+', default=sorted(PRESETS))
  args = parser.parse_args(argv)
  reason = architecture.missing_tool()
  if reason:
    print(f'architecture_pictures: cannot draw: {reason}', file=sys.stderr)
    return 2
  print('preset | seconds | role | drawn as | bytes | pixels')
  for name in args.presets:
    preset = PRESETS[name]
    folder = os.path.join(args.out, name)
    start = time.perf_counter()
    failed = architecture.write_pictures(preset, folder)
    seconds = time.perf_counter() - start
    if failed:
      print(f'{name} | {seconds:.2f} | not drawn: {failed}')
      continue
    models = architecture.models(preset)
    for role, file_name in release.ARCHITECTURE_PICTURES.items():
      path = os.path.join(folder, release.ARCHITECTURE_DIR, file_name)
      with Image.open(path) as png:
        pixels = f'{png.width}x{png.height}'
      print(f'{name} | {seconds:.2f} | {role} | {drawn_as(models[role])} '
            f'| {os.path.getsize(path)} | {pixels}')
  return 0


if __name__ == '__main__':
  sys.exit(main())
