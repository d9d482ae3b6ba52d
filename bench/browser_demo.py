"""The browser preview's speed: ms per image of each variant, LiteRT.js in headless Chromium.

Opens demo/index.html (tools/serve_demo.py) on a serving folder's newest release, once per
variant, and prints what the page measured: the median wall time (performance.now(), real
time) of `--runs` invocations of the card's signature on one batch, divided by the batch
size, after 3 warm-up calls. CPU through WebAssembly (LiteRT.js's 'wasm' accelerator), one
thread. Needs Chromium and `npm ci --prefix demo`.

  .venv/bin/python bench/browser_demo.py --serving_dir tfx_output/serving --runs 200
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from formats import variants  # pylint: disable=wrong-import-position
from tools import demo_browser  # pylint: disable=wrong-import-position


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--serving_dir', default='tfx_output/serving')
  parser.add_argument('--runs', type=int, default=200)
  parser.add_argument('--variants', nargs='+', default=list(variants.TFLITE_VARIANTS))
  args = parser.parse_args(argv)
  reason = demo_browser.missing()
  if reason:
    print(f'browser_demo: cannot run: {reason}', file=sys.stderr)
    return 2
  browser = None
  for variant in args.variants:
    try:
      report = demo_browser.run_page(args.serving_dir, variant=variant, runs=args.runs)
    except demo_browser.BrowserError as e:
      print(f'{variant:>12}: {e}')
      continue
    print(f'{variant:>12}: {report["ms_per_image"]:.3f} ms/image (batch {report["count"]}, '
          f'median of {report["runs"]} runs, signature {report["signature"]}, '
          f'release {report["version"]})', flush=True)
    browser = report['user_agent']
  if browser:
    print(f'browser: {browser}')
  return 0


if __name__ == '__main__':
  sys.exit(main())
