"""Serves the browser preview (demo/) and a serving folder's newest release on localhost.

    python tools/serve_demo.py [--serving_dir tfx_output/serving] [--port 8000] [--no-open]

The page (demo/index.html) runs the release's `.tflite` files with LiteRT.js, whose wasm
files come from demo/node_modules (`npm ci --prefix demo`), never from a CDN. URLs:

    /                     -> redirect to /demo/index.html (with the same query)
    /demo/...             the demo folder (page, module, node_modules)
    /serving/...          the serving folder, read-only
    /release.json         the release LATEST names: version and, per variant, the URLs of
                          its model file and card (the layout comes from formats/release.py,
                          so the page never spells a file name of the release)

Only 127.0.0.1 is bound: it is a preview for the person at this machine, not a server.
A test passes `on_report` to make_server to receive what the page measured (POST /report);
without it, POST is refused. Python's http.server, no dependency.
"""
import argparse
import functools
import http.server
import json
import os
import posixpath
import sys
import threading
import urllib.parse
import webbrowser
from typing import Callable, Optional

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO not in sys.path:  # run as a script from the Makefile
  sys.path.insert(0, _REPO)

from formats import release, variants  # pylint: disable=g-import-not-at-top,wrong-import-position

DEMO_DIR = os.path.join(_REPO, 'demo')
LITERT_PACKAGE = os.path.join(DEMO_DIR, 'node_modules', '@litertjs', 'core')
PAGE = '/demo/index.html'
# Browsers refuse to compile wasm or run module scripts served with another type.
_TYPES = {'.wasm': 'application/wasm', '.js': 'text/javascript', '.mjs': 'text/javascript',
          '.json': 'application/json', '.html': 'text/html; charset=utf-8',
          '.tflite': 'application/octet-stream', '.map': 'application/json'}
_MAX_REPORT_BYTES = 64 << 20


class DemoError(RuntimeError):
  """The demo cannot be served; the message says what is missing and how to get it."""


def release_listing(serving_dir: str) -> dict:
  """What the page needs of the newest release: its version and each variant's URLs."""
  latest = os.path.join(serving_dir, release.LATEST)
  if not os.path.isfile(latest):
    raise DemoError(f'No release in {serving_dir}: {latest} is missing (push one with '
                    '`make run`, or pass --serving_dir).')
  version_dir = release.latest_version(serving_dir)
  version = os.path.basename(version_dir)
  if not release.is_version(version_dir):
    raise DemoError(f'{latest} names version {version!r}, but {version_dir} has no '
                    f'{release.MANIFEST}: not a complete release.')
  listing = {}
  for variant in variants.TFLITE_VARIANTS:
    model, card = release.tflite_file(version_dir, variant), release.card_file(version_dir, variant)
    if os.path.isfile(model) and os.path.isfile(card):
      listing[variant] = {
          'model': '/serving/' + os.path.relpath(model, serving_dir).replace(os.sep, '/'),
          'card': '/serving/' + os.path.relpath(card, serving_dir).replace(os.sep, '/')}
  if not listing:
    raise DemoError(f'Release {version_dir} has no TFLite variant with a model file and card.')
  return {'version': version, 'variants': listing}


def check_installed() -> None:
  """LiteRT.js must be installed in demo/node_modules (the page loads its wasm from there)."""
  if not os.path.isdir(os.path.join(LITERT_PACKAGE, 'wasm')):
    raise DemoError(f'LiteRT.js is not installed: {LITERT_PACKAGE}/wasm is missing. Run '
                    '`npm ci --prefix demo` (make setup does it when npm is on PATH).')


class _Handler(http.server.SimpleHTTPRequestHandler):
  """GET of /demo/, /serving/ and /release.json; POST /report only with a report sink."""

  extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map, **_TYPES)

  def __init__(self, *args, serving_dir: str, on_report: Optional[Callable[[dict], None]],
               quiet: bool, **kwargs):
    self.serving_dir, self.on_report, self.quiet = serving_dir, on_report, quiet
    super().__init__(*args, directory=DEMO_DIR, **kwargs)

  def translate_path(self, path):
    # /demo/x -> demo/x, /serving/x -> <serving_dir>/x; anything else maps to nothing.
    path = posixpath.normpath(urllib.parse.unquote(urllib.parse.urlsplit(path).path))
    for prefix, root in (('/demo/', DEMO_DIR), ('/serving/', self.serving_dir)):
      if path.startswith(prefix):
        parts = [p for p in path[len(prefix):].split('/') if p not in ('', '.', '..')]
        return os.path.join(root, *parts)
    return os.path.join(DEMO_DIR, '.no-such-file')

  def do_GET(self):  # pylint: disable=invalid-name
    url = urllib.parse.urlsplit(self.path)
    path = url.path
    if path == '/':  # the page's parameters (variant, digit, ...) survive the redirect
      self.send_response(302)
      self.send_header('Location', PAGE + (f'?{url.query}' if url.query else ''))
      self.end_headers()
    elif path == '/release.json':
      try:
        body, status = json.dumps(release_listing(self.serving_dir)).encode(), 200
      except (DemoError, OSError) as e:
        body, status = json.dumps({'error': str(e)}).encode(), 404
      self.send_response(status)
      self.send_header('Content-Type', 'application/json')
      self.send_header('Content-Length', str(len(body)))
      self.send_header('Cache-Control', 'no-store')  # LATEST moves with every push
      self.end_headers()
      self.wfile.write(body)
    else:
      super().do_GET()

  def do_POST(self):  # pylint: disable=invalid-name
    length = int(self.headers.get('Content-Length') or 0)
    if self.on_report is None or self.path != '/report' or not 0 < length <= _MAX_REPORT_BYTES:
      self.send_error(405 if self.on_report is None else 400)
      return
    report = json.loads(self.rfile.read(length))
    self.send_response(204)
    self.end_headers()
    self.on_report(report)

  def log_message(self, format, *args):  # pylint: disable=redefined-builtin
    if not self.quiet:
      super().log_message(format, *args)


def make_server(serving_dir: str, port: int = 0,
                on_report: Optional[Callable[[dict], None]] = None,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
  """The server on 127.0.0.1:`port` (0: a free one); the caller runs serve_forever."""
  handler = functools.partial(_Handler, serving_dir=os.path.abspath(serving_dir),
                              on_report=on_report, quiet=quiet)
  return http.server.ThreadingHTTPServer(('127.0.0.1', port), handler)


def page_url(server, **params) -> str:
  query = urllib.parse.urlencode(params)
  return f'http://127.0.0.1:{server.server_address[1]}{PAGE}' + (f'?{query}' if query else '')


def _open_browser(url: str) -> None:
  # webbrowser.open is False when no browser exists (a headless box): then the URL is all.
  if not webbrowser.open(url):
    print('No browser found here; open the URL above in one.', flush=True)


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--serving_dir', default=os.path.join(_REPO, 'tfx_output', 'serving'))
  parser.add_argument('--port', type=int, default=8000, help='0: any free port')
  parser.add_argument('--no-open', dest='open', action='store_false',
                      help='print the URL only, do not start a browser')
  args = parser.parse_args(argv)
  try:
    check_installed()
    listing = release_listing(args.serving_dir)
  except DemoError as e:
    print(f'serve_demo: {e}', file=sys.stderr)
    return 2
  try:
    server = make_server(args.serving_dir, args.port)
  except OSError as e:
    print(f'serve_demo: cannot listen on 127.0.0.1:{args.port}: {e} (try --port 0)',
          file=sys.stderr)
    return 2
  url = page_url(server)
  print(f'Release {listing["version"]} of {os.path.abspath(args.serving_dir)} '
        f'({", ".join(listing["variants"])})', flush=True)
  print(f'Demo: {url}   (Ctrl-C stops it)', flush=True)
  if args.open:
    threading.Thread(target=_open_browser, args=(url,), daemon=True).start()
  try:
    server.serve_forever()
  except KeyboardInterrupt:
    pass
  finally:
    server.server_close()
  return 0


if __name__ == '__main__':
  sys.exit(main())
