"""Offline without MNIST_DIR: local_runner.py stops in seconds with one line saying how to
pass the files, instead of TFDS's minutes of retries and a traceback. The probe is
replaced (this machine's network is not the test's business)."""
import os

import pytest

import local_runner
from pipeline import mnist_download


class _Builder:
  url_infos = {'https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz': 0}

  def __init__(self, prepared=False):
    self.prepared = prepared

  def is_prepared(self):
    return self.prepared


def _offline(urls):
  raise OSError(f'{sorted(urls)[0].split("/")[2]} is not reachable ([Errno 101] Network is '
                'unreachable)')


def _must_not_probe(urls):
  raise AssertionError(f'probed {urls}')


def test_offline_problem_is_one_line_naming_mnist_dir():
  message = mnist_download.offline_problem(None, '/unused', builder=_Builder(), probe=_offline)
  assert '\n' not in message
  assert message.startswith('MNIST could not be downloaded (storage.googleapis.com is not '
                            'reachable')
  assert 'MNIST_DIR=<folder with the four MNIST gz files>' in message


def test_no_probe_when_the_files_are_given_or_already_prepared():
  assert mnist_download.offline_problem('/some/mnist', '/unused', builder=_Builder(),
                                        probe=_must_not_probe) is None
  assert mnist_download.offline_problem(None, '/unused', builder=_Builder(prepared=True),
                                        probe=_must_not_probe) is None
  assert mnist_download.offline_problem(None, '/unused', builder=_Builder(),
                                        probe=lambda urls: None) is None


def test_local_runner_offline_without_mnist_dir_exits_with_the_line(tmp_path, monkeypatch):
  output = tmp_path / 'out'
  for name in ('MNIST_DIR', 'TFDS_DATA_DIR', 'INCOMING_DIR', 'STOP_AFTER'):
    monkeypatch.delenv(name, raising=False)
  monkeypatch.setenv('TFX_OUTPUT_DIR', str(output))
  monkeypatch.setenv('LOCAL_HOME', str(tmp_path / 'home'))
  monkeypatch.setattr(mnist_download, 'check_reachable', _offline)
  with pytest.raises(SystemExit) as exit_info:
    local_runner.main()
  message = str(exit_info.value.code)
  assert '\n' not in message and 'MNIST could not be downloaded' in message
  assert 'MNIST_DIR=<folder' in message
  assert not os.path.exists(output / 'metadata.sqlite')  # stopped before any component
