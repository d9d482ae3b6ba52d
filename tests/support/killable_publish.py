"""A publisher that stops at a chosen point and waits there to be killed (SIGKILL).

Run as `python -m tests.support.killable_publish SERVING_DIR POINT READY_FILE`. It
publishes one small release through components/versioned_pusher/publish.py; at POINT it
creates READY_FILE and sleeps, so the test kills it exactly there:

  fill    the staging folder is half-filled (one of two files written)
  latest  the version folder is in place and the new LATEST pointer written, not renamed
  upload  (SERVING_DIR a file:// URI: remote_publish) one of two files of the version
          uploaded, no manifest yet

Only the waiting is added; every file the publisher writes is written by the real code.
"""
import os
import sys
import time

from components.versioned_pusher import publish


def _wait_to_be_killed(ready_file):
  with open(ready_file, 'w') as f:
    f.write(str(os.getpid()))
  time.sleep(600)
  sys.exit('was not killed')


def main(serving_dir, point, ready_file):
  def fill(folder):
    with open(os.path.join(folder, 'a.bin'), 'w') as f:
      f.write('first half')
    if point == 'fill':
      _wait_to_be_killed(ready_file)
    with open(os.path.join(folder, 'b.bin'), 'w') as f:
      f.write('second half')

  if point == 'latest':
    real_replace = os.replace

    def replace(src, dst):
      if os.path.basename(dst) == publish.LATEST:
        _wait_to_be_killed(ready_file)
      real_replace(src, dst)
    os.replace = replace
  elif point == 'upload':
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    real_copy, copied = tf.io.gfile.copy, []

    def copy(src, dst, overwrite=False):
      if copied:
        _wait_to_be_killed(ready_file)
      real_copy(src, dst, overwrite)
      copied.append(dst)
    tf.io.gfile.copy = copy
  publish.publish(serving_dir, fill, {'killed_at': point})
  sys.exit(f'was not stopped at {point!r}')


if __name__ == '__main__':
  main(*sys.argv[1:])
