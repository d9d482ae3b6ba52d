"""Runs the preview page (demo/) in headless Chromium and returns what the page reported.

For the browser parity test and bench/browser_demo.py. The page is served by
tools/serve_demo.py with a report sink: with `report=1` the page posts what it drew (the
raw output and the grid's gray levels) and its measured ms/image to /report. That is real
time: under `--virtual-time-budget` (what `--dump-dom` needs to wait for async work)
`performance.now()` stands still, so the page is left running in real time and Chromium is
ended once the report is in.
"""
import base64
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from typing import Optional

import numpy as np

from tools import serve_demo

CHROMIUM_NAMES = ('chromium', 'chromium-browser', 'google-chrome')


class BrowserError(RuntimeError):
  """The page did not report in time, or reported an error; the message says which."""


def find_chromium() -> Optional[str]:
  for name in CHROMIUM_NAMES:
    path = shutil.which(name)
    if path:
      return path
  return None


def missing() -> Optional[str]:
  """Why the page cannot run here (None: it can): no Chromium, or no LiteRT.js installed."""
  if find_chromium() is None:
    return f'no Chromium on PATH (looked for {", ".join(CHROMIUM_NAMES)}): apt-get install chromium'
  try:
    serve_demo.check_installed()
  except serve_demo.DemoError as e:
    return str(e)
  return None


def encode_noise(noise: np.ndarray) -> str:
  """The page's `noise` parameter: float32 little-endian values, base64."""
  return base64.b64encode(np.ascontiguousarray(noise, '<f4').tobytes()).decode()


def decode(report: dict) -> dict:
  """The report's arrays as numpy: `images` float32 [count, 28, 28, 1], `pixels` uint8
  [height, width] (the gray levels drawn on the canvas)."""
  images = np.frombuffer(base64.b64decode(report['images']), '<f4')
  pixels = np.frombuffer(base64.b64decode(report['pixels']), np.uint8)
  return dict(report, images=images.reshape(report['count'], 28, 28, 1),
              pixels=pixels.reshape(-1, report['width']))


def run_page(serving_dir: str, timeout_s: float = 180, **params) -> dict:
  """Opens the page on `serving_dir`'s release with `params` (variant, digit, noise, runs)
  and returns its report, decoded. Raises BrowserError naming the variant and the cause."""
  chromium = find_chromium()
  reports, arrived = [], threading.Event()

  def sink(report):
    reports.append(report)
    arrived.set()

  server = serve_demo.make_server(serving_dir, 0, on_report=sink, quiet=True)
  threading.Thread(target=server.serve_forever, daemon=True).start()
  profile = tempfile.mkdtemp(prefix='demo-chromium-')
  url = serve_demo.page_url(server, report=1, **params)
  # Its own session, so the browser's helper processes end with it.
  browser = subprocess.Popen(
      [chromium, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
       f'--user-data-dir={profile}', url],
      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
  try:
    arrived.wait(timeout_s)
  finally:
    with_stderr = _stop(browser)
    server.shutdown()
    server.server_close()
    shutil.rmtree(profile, ignore_errors=True)
  what = f'variant {params.get("variant")!r} of {serving_dir}'
  if not reports:
    raise BrowserError(f'The page reported nothing within {timeout_s:.0f} s for {what}; '
                       f'Chromium stderr: {with_stderr[-1500:]}')
  if 'error' in reports[0]:
    raise BrowserError(f'The page failed for {what}: {reports[0]["error"]}')
  return decode(reports[0])


def _stop(browser: subprocess.Popen) -> str:
  """Ends the Chromium this module started (its process group) and returns its stderr."""
  try:
    os.killpg(browser.pid, signal.SIGTERM)
  except ProcessLookupError:
    pass
  try:
    _, err = browser.communicate(timeout=20)
  except subprocess.TimeoutExpired:
    os.killpg(browser.pid, signal.SIGKILL)
    _, err = browser.communicate()
  return (err or b'').decode(errors='replace')
