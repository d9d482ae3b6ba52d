"""pipeline/console_noise.py drops exactly the known-harmless TensorFlow lines, from the
runner and from its child processes, keeps every other line (real errors included), and
loses nothing when the runner is killed. No TensorFlow: children write the lines."""
import os
import subprocess
import sys
import textwrap

from pipeline import console_noise

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Copied from a real run's console (local_runner.py on the 2-core CPU machine).
NOISE = [
    '2026-12-01 13:00:19.156829: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:479]'
    ' Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when '
    'one has already been registered',
    '2026-12-01 13:00:19.190119: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:10575]'
    ' Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when '
    'one has already been registered',
    '2026-12-01 13:00:19.190297: E external/local_xla/xla/stream_executor/cuda/cuda_blas.cc:1442]'
    ' Unable to register cuBLAS factory: Attempting to register factory for plugin cuBLAS when '
    'one has already been registered',
    "2026-12-01 12:51:08.638330: E tensorflow/core/grappler/optimizers/meta_optimizer.cc:961] "
    "remapper failed: INVALID_ARGUMENT: Mutation::Apply error: fanout 'StatefulPartitionedCall/"
    "gradient_tape/discriminator_3/LeakyRelu_1/LeakyReluGrad' exist for missing node "
    "'StatefulPartitionedCall/discriminator_3/conv2d_1_2/BiasAdd'.",
]
KEPT = [
    # Real errors that share a prefix with the noise.
    "2026-12-01 12:51:08.638330: E tensorflow/core/grappler/optimizers/meta_optimizer.cc:961] "
    "layout failed: INVALID_ARGUMENT: Size of values 0 does not match size of permutation 4.",
    '2026-12-01 13:00:19.156829: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:479]'
    ' Unable to register cuFFT factory: out of memory',
    'ERROR:absl:Execution 8 failed.',
    'INFO:absl:Training the MNIST classifier for 2500 steps of 128',
    'Traceback (most recent call last):',
]
_API_CORE_WARNING = ('You are using a non-supported Python version (3.10.13). Google will not '
                     'post any further updates to google.api_core supporting this Python '
                     'version.')


def test_exactly_the_known_lines_are_noise():
  assert [line for line in NOISE if not console_noise.is_noise(line)] == []
  assert [line for line in KEPT if console_noise.is_noise(line)] == []


def _child(body, tmp_path):
  """Runs `body` after console_noise.install() in a fresh interpreter; returns its stderr."""
  script = tmp_path / 'child.py'
  script.write_text('import os, subprocess, sys, warnings\n'
                    'from pipeline import console_noise\n'
                    'console_noise.install()\n' + textwrap.dedent(body))
  env = {k: v for k, v in os.environ.items() if k not in ('PYTHONWARNINGS',
                                                          'MNIST_GAN_CONSOLE_FILTER')}
  env['PYTHONPATH'] = _REPO
  result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
  return result.stderr


def _warn_like_api_core():
  return ('warnings.warn_explicit(%r, FutureWarning, "_python_version_support.py", 246, '
          'module="google.api_core._python_version_support")' % _API_CORE_WARNING)


def test_install_filters_the_runner_and_its_child_processes(tmp_path):
  lines = NOISE + KEPT
  stderr = _child(f"""
      lines = {lines!r}
      os.write(2, ''.join(l + '\\n' for l in lines).encode())  # as TF's C++ writes
      print('from python', file=sys.stderr, flush=True)
      {_warn_like_api_core()}
      warnings.warn_explicit('another FutureWarning', FutureWarning, 'x.py', 1, module='x')
      # A Beam worker: a child that inherits descriptor 2 and the environment.
      subprocess.run([sys.executable, '-c', 'import os, sys, warnings; '
                      'os.write(2, (sys.argv[1] + "\\\\n" + sys.argv[2] + "\\\\n").encode()); '
                      + {_warn_like_api_core()!r}, {NOISE[0]!r}, 'worker real line'], check=True)
      """, tmp_path)
  for line in NOISE:
    assert line not in stderr
  for line in KEPT + ['from python', 'another FutureWarning', 'worker real line']:
    assert line in stderr
  assert 'non-supported Python version' not in stderr


def test_nothing_is_lost_when_the_runner_is_killed(tmp_path):
  stderr = _child(f"""
      import signal
      os.write(2, b'last words before the kill\\n' + {NOISE[1]!r}.encode() + b'\\n')
      os.kill(os.getpid(), signal.SIGKILL)
      """, tmp_path)
  assert 'last words before the kill' in stderr
  assert NOISE[1] not in stderr
