"""Whether a run can get MNIST: a 10-second probe instead of TFDS's minutes of retries.

Without MNIST_DIR, the ExampleGen has TFDS download the four files; offline, TFDS retries
for minutes and ends in a long `requests` traceback. The runner asks `offline_problem`
first and stops with its one line. tools/fetch_mnist.py (`make test`) uses the same probe.
"""
import socket
import urllib.parse
from typing import Callable, Iterable, Optional

MNIST_DIR_HINT = ('pass MNIST_DIR=<folder with the four MNIST gz files> '
                  '(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, '
                  't10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)')


def check_reachable(urls: Iterable[str], timeout_s: float = 10) -> None:
  """Raises OSError naming the first host of `urls` that takes no connection on 443."""
  hosts = {urllib.parse.urlparse(url).hostname for url in urls}
  for host in sorted(hosts):
    try:
      socket.create_connection((host, 443), timeout=timeout_s).close()
    except OSError as e:
      raise OSError(f'{host} is not reachable ({e})') from e


def offline_problem(manual_dir: Optional[str], tfds_data_dir: str, dataset: str = 'mnist',
                    builder=None,
                    probe: Optional[Callable[[Iterable[str]], None]] = None) -> Optional[str]:
  """None when the run can get `dataset`, else one line saying why not and what to pass.

  No probe when the files are given (`manual_dir`) or TFDS already prepared the dataset in
  `tfds_data_dir` (a rerun): then nothing is downloaded.
  """
  if manual_dir:
    return None
  if builder is None:
    import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel  (heavy)
    builder = tfds.builder(dataset, data_dir=tfds_data_dir)
  if builder.is_prepared():
    return None
  try:
    (probe or check_reachable)(builder.url_infos)
  except OSError as e:
    return f'MNIST could not be downloaded ({e}): offline? {MNIST_DIR_HINT}'
  return None
