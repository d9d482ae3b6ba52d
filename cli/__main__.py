"""`python -m cli generate --model PATH --out grid.png`.

Argument parsing only; the work is in cli/generate.py. Input errors (bad path, digit,
variant) end with a one-line message and exit code 2, not a traceback.
"""
import argparse
import sys

from formats import variants
from cli import generate


def _parser():
  parser = argparse.ArgumentParser(prog='python -m cli')
  commands = parser.add_subparsers(dest='command', required=True)
  gen = commands.add_parser('generate', help='write a PNG grid of generated digits')
  gen.add_argument('--model', required=True,
                   help='pushed version folder, serving dir (uses LATEST), SavedModel folder, '
                        '.tflite file or TFLite folder')
  gen.add_argument('--out', required=True, help='PNG file to write')
  gen.add_argument('--digit', type=int,
                   help='digit to draw (conditional models); default: one row per digit 0-9')
  gen.add_argument('--count', type=int, default=16,
                   help='images to draw (per digit when --digit is omitted); default 16')
  gen.add_argument('--seed', type=int, default=0, help='noise seed; default 0')
  gen.add_argument('--variant', choices=variants.TFLITE_VARIANTS,
                   help='TFLite variant of a pushed version; default: its SavedModel')
  gen.set_defaults(error=gen.error)  # errors print the subcommand's usage, not the top one
  return parser


def main(argv=None):
  parser = _parser()
  args = parser.parse_args(argv)
  try:
    out = generate.generate(args.model, args.out, digit=args.digit, count=args.count,
                            seed=args.seed, variant=args.variant)
  except ValueError as e:  # our input errors name the path or flag; no traceback needed
    args.error(str(e))
  print(out)


if __name__ == '__main__':
  sys.exit(main())
