"""Markdown tables of the curves bench/quality_curve.py (and dcgan_tutorial_original.py) wrote.

  .venv/bin/python bench/quality_table.py [--out /tmp/quality_curves] [--floor_fid 1.598] \
      [--last] [--wall] default hinge cbn ...

One row per evaluation of each named run (<out>/<name>.jsonl), or with --last only its
final evaluation: steps, training CPU seconds (and with --wall training wall seconds), FID
and FID / floor, MNIST score, class accuracy ('-' for an unconditional preset, whose
samples are drawn for no digit), precision, recall.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# pylint: disable=wrong-import-position
from bench import candidates


def rows(out_dir, name):
  path = os.path.join(out_dir, f'{name}.jsonl')
  if not os.path.isfile(path):
    raise SystemExit(f'{path}: no such curve (bench/quality_curve.py --out {out_dir} writes it)')
  with open(path) as f:
    return [json.loads(line) for line in f if line.strip()]


def _conditional(name):
  """Whether run `name` draws requested digits. The tutorial's own code path
  (bench/dcgan_tutorial_original.py) is unconditional, as the preset it reproduces."""
  if name.startswith('dcgan_tutorial_original'):
    return False
  return candidates.resolve(name)[1].conditional


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
  parser.add_argument('--out', default='/tmp/quality_curves')
  parser.add_argument('--floor_fid', type=float, required=True,
                      help="the judge's floor FID (bench/quality_curve.py --floor)")
  parser.add_argument('--last', action='store_true', help='only the final row of each run')
  parser.add_argument('--wall', action='store_true',
                      help="add the training's wall seconds (they measure the machine's load too)")
  parser.add_argument('names', nargs='+')
  args = parser.parse_args()
  wall_head, wall_rule = (' train wall s |', ' --- |') if args.wall else ('', '')
  print(f'| run | steps | train CPU s |{wall_head} FID | FID / floor | MNIST score | '
        'class accuracy | precision | recall |')
  print(f'| --- | --- | --- |{wall_rule} --- | --- | --- | --- | --- | --- |')
  for name in args.names:
    conditional = _conditional(name)
    for row in rows(args.out, name)[-1:] if args.last else rows(args.out, name):
      cpu = row.get('train_cpu_s', '')
      wall = f' {row["train_wall_s"]} |' if args.wall else ''
      accuracy = f'{row["class_accuracy"]:.4f}' if conditional else '-'
      print(f'| {name} | {row["steps"]} | {cpu} |{wall} {row["fid"]:.2f} | '
            f'{row["fid"] / args.floor_fid:.2f} | {row["mnist_score"]:.3f} | '
            f'{accuracy} | {row["precision"]:.3f} | {row["recall"]:.3f} |')


if __name__ == '__main__':
  main()
