"""Drops TensorFlow's known-harmless console noise from a run, by exact pattern.

What is dropped, and why it is harmless on this project's CPU machines:

  * `E .../cuda_{fft,dnn,blas}.cc] Unable to register cu{FFT,DNN,BLAS} factory: ...
    already been registered`: printed by every process that imports TensorFlow (the
    runner and each Beam worker) because TF and XLA both register the CUDA plugins; no GPU
    is used, and the first registration stands.
  * `E .../meta_optimizer.cc] remapper failed: INVALID_ARGUMENT: Mutation::Apply error:
    fanout ... exist for missing node ...`: grappler's op-fusion pass gives up on the
    GAN step's graph (at a LeakyRelu gradient); the meta optimizer then keeps the graph as
    it was before that pass, so the step computes the same thing, only without those
    fusions.
  * google.api_core's FutureWarning that Python 3.10 support ends (once per Google
    client package imported): a notice about future releases, not about this run.

Everything else passes through unchanged, in order: our logs, TensorFlow's other lines
and every real error. The C++ lines are written by TensorFlow straight to file
descriptor 2, so no Python logging filter sees them: `install()` points descriptor 2 at a
small filter process (this file run as a script, standard library only) that prints what
is not noise to the real stderr. Child processes (Beam's worker processes) inherit
descriptor 2 and so the filter, and PYTHONWARNINGS carries the warning filter to them.
The filter is a separate process so that nothing is lost when the runner dies: it reads
until every writer has closed the pipe, also after a crash or kill of the runner.
"""
import atexit
import os
import re
import signal
import subprocess
import sys
import warnings

_TF_ERROR = r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: E '
NOISE = tuple(re.compile(pattern) for pattern in (
    _TF_ERROR + r'external/local_xla/xla/stream_executor/cuda/cuda_(fft|dnn|blas)\.cc:\d+\] '
    r'Unable to register cu(FFT|DNN|BLAS) factory: Attempting to register factory for '
    r'plugin cu(FFT|DNN|BLAS) when one has already been registered$',
    _TF_ERROR + r'tensorflow/core/grappler/optimizers/meta_optimizer\.cc:\d+\] remapper '
    r"failed: INVALID_ARGUMENT: Mutation::Apply error: fanout '[^']+' exist for missing "
    r"node '[^']+'\.$",
))
# google.api_core._python_version_support: "You are using a non-supported Python version
# (3.10.13). Google will not post any further updates to <package> ...". The -W syntax
# matches the message's start and the module's full name.
_WARNING = ('ignore', 'You are using a non-supported Python version', 'FutureWarning',
            'google.api_core._python_version_support')
_STARTED_ENV = 'MNIST_GAN_CONSOLE_FILTER'  # set once installed: child runners don't nest


def is_noise(line: str) -> bool:
  """Whether one console line (without its newline) is known-harmless noise."""
  return any(pattern.match(line) for pattern in NOISE)


def filter_lines(source_fd: int, target) -> None:
  """Copies `source_fd` to the binary stream `target` until EOF, minus the noise lines.

  Reads what is there (not line by line) so a progress line ending in \\r shows at once.
  """
  pending = b''
  while True:
    chunk = os.read(source_fd, 65536)
    if not chunk:
      break
    pending += chunk
    *lines, pending = pending.split(b'\n')
    out = [line + b'\n' for line in lines
           if not is_noise(line.decode('utf-8', 'replace').rstrip('\r'))]
    if b'\r' in pending:  # an in-place progress line: show it now, keep what follows
      shown, pending = pending.rsplit(b'\r', 1)
      out.append(shown + b'\r')
    if out:
      target.write(b''.join(out))
      target.flush()
  if pending and not is_noise(pending.decode('utf-8', 'replace')):
    target.write(pending)
    target.flush()


def _warning_filter_env(environ) -> str:
  entry = ':'.join(_WARNING)
  current = environ.get('PYTHONWARNINGS')
  return f'{current},{entry}' if current else entry


def install(environ=os.environ) -> None:
  """From now on this process's descriptor 2 (and its children's) goes through the filter.

  Call before TensorFlow is imported: its plugin registration lines come at import.
  """
  warnings.filterwarnings(_WARNING[0], message=re.escape(_WARNING[1]), category=FutureWarning,
                          module=re.escape(_WARNING[3]) + '$')
  if environ.get(_STARTED_ENV):
    return
  environ['PYTHONWARNINGS'] = _warning_filter_env(environ)
  environ[_STARTED_ENV] = '1'
  sys.stderr.flush()
  real_stderr = os.dup(2)
  read_end, write_end = os.pipe()
  process = subprocess.Popen([sys.executable, os.path.abspath(__file__)], stdin=read_end,
                             stdout=real_stderr, stderr=real_stderr, close_fds=True)
  os.close(read_end)
  os.dup2(write_end, 2)
  os.close(write_end)

  def drain():
    # Our copy of the pipe closes here; the filter ends at EOF once the workers have too.
    sys.stderr.flush()
    os.dup2(real_stderr, 2)
    try:
      process.wait(timeout=10)
    except subprocess.TimeoutExpired:
      pass  # a worker still holds the pipe: the filter goes on printing for it

  atexit.register(drain)


if __name__ == '__main__':
  # Ctrl-C reaches the whole process group: the filter stays to print the runner's last
  # words (a traceback) and ends at EOF.
  signal.signal(signal.SIGINT, signal.SIG_IGN)
  filter_lines(sys.stdin.fileno(), sys.stdout.buffer)
