"""Start a child process, wait until it reaches a point, and SIGKILL it there.

SIGKILL, because it runs no handler, no `finally` and no atexit: what the child leaves on
disk is exactly what a killed run (OOM killer, power to the container cut, `kill -9`)
leaves.
"""
import os
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(args, log_path, env=None):
  """`python ARGS` from the repository root, stdout and stderr into `log_path`.

  In a session of its own, so kill_when kills it with every process it started (as when
  a container or a terminal's process group dies).
  """
  log = open(log_path, 'w')  # pylint: disable=consider-using-with  # closed by kill_when
  proc = subprocess.Popen([sys.executable] + list(args), cwd=REPO, stdout=log,
                          stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})),
                          start_new_session=True)
  proc.log = log
  return proc


def kill_when(proc, reached, timeout_s=120.0, poll_s=0.05):
  """SIGKILLs `proc` (and what it started) as soon as `reached()` is true; fails if it ends
  or times out first."""
  deadline = time.monotonic() + timeout_s
  try:
    while not reached():
      if proc.poll() is not None:
        raise AssertionError(f'the child ended (exit code {proc.returncode}) before it was '
                             f'killed; its log: {open(proc.log.name).read()[-3000:]}')
      if time.monotonic() > deadline:
        raise AssertionError(f'the child did not reach the kill point in {timeout_s} s; its '
                             f'log: {open(proc.log.name).read()[-3000:]}')
      time.sleep(poll_s)
    os.killpg(proc.pid, signal.SIGKILL)  # its session's group: the child and its children
    assert proc.wait(timeout=30) == -signal.SIGKILL
  finally:
    if proc.poll() is None:
      os.killpg(proc.pid, signal.SIGKILL)
      proc.wait()
    proc.log.close()
