"""MirroredStrategy path, exercised on two logical CPU devices in a subprocess (logical
devices must be configured before TensorFlow initialises, so not in the pytest process):
one process for every preset checked, including dcgan_tutorial's two D optimizers."""
import json
import os
import subprocess
import sys

_SCRIPT = r'''
import json, sys, tempfile
sys.path.insert(0, REPO)
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from formats import mnist_idx
from models import data, loop
from models.config import TrainConfig
x, y = mnist_idx.load(MNIST, limit=512)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
RUNS = {
    "cdcgan": dict(batch_size=16, sample_interval=2, checkpoint_interval=2),
    "default": dict(batch_size=16, sample_interval=2, checkpoint_interval=2),
    # Two D optimizers, one per loss term (d_optimizer_per_term).
    "dcgan_tutorial": dict(batch_size=8, d_pretrain_steps=1, sample_interval=0,
                           checkpoint_interval=0),
}
out = {}
for name, settings in RUNS.items():
  config = TrainConfig(preset=name, **settings)
  dataset = data.numpy_dataset(x, y, settings["batch_size"])
  gan = loop.train(config, dataset, 3, tempfile.mkdtemp(dir="."), strategy=strategy)  # in tmp_path
  out[name] = dict(replicas=strategy.num_replicas_in_sync, step=int(gan.step.numpy()),
                   d=int(gan.d_opt.iterations.numpy()), g=int(gan.g_opt.iterations.numpy()))
  if gan.d_opt_fake_term is not None:
    out[name]["d_fake_term"] = int(gan.d_opt_fake_term.iterations.numpy())
print(json.dumps(out))
'''


def test_mirrored_strategy_on_two_logical_cpus(mnist_dir, tmp_path):
  repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
  code = f'REPO = {repo!r}\nMNIST = {mnist_dir!r}\n' + _SCRIPT
  result = subprocess.run([sys.executable, '-c', code], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=300, check=False)
  assert result.returncode == 0, result.stderr[-3000:]
  out = json.loads(result.stdout.strip().splitlines()[-1])
  assert out['cdcgan'] == dict(replicas=2, step=3, d=3, g=6)
  assert out['default'] == dict(replicas=2, step=3, d=3, g=3)
  # Both of dcgan_tutorial's D updates, one per optimizer, on every step after pre-training.
  assert out['dcgan_tutorial'] == dict(replicas=2, step=3, d=3, d_fake_term=3, g=2)
