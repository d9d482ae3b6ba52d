"""pipeline/trainer_machine.py: the TRAINER_* values, read and refused (no compile here;
tests/test_kubeflow_v2.py checks them in the compiled spec)."""
import pytest

from pipeline import trainer_machine
from pipeline.knob_errors import RunSettingsError

_IMAGE = 'europe-docker.pkg.dev/p/ml/mnist-gan-tfx:0.1.0'


def test_nothing_set_is_no_machine():
  assert trainer_machine.trainer_machine({'TRAINER_CPU': ''}, _IMAGE) is None


def test_gpu_types_are_vertex_gpus_only():
  types = trainer_machine.gpu_types()
  assert {'NVIDIA_L4', 'NVIDIA_TESLA_T4', 'NVIDIA_TESLA_A100'} <= set(types)
  assert all(kind.startswith('NVIDIA_') for kind in types)


@pytest.mark.parametrize('value, expected', [
    ('NVIDIA_L4:1', ('NVIDIA_L4', 1)),
    ('nvidia_l4', ('NVIDIA_L4', 1)),
    (' NVIDIA_TESLA_A100:8 ', ('NVIDIA_TESLA_A100', 8)),
])
def test_accelerator(value, expected):
  assert trainer_machine.accelerator({'TRAINER_ACCELERATOR': value}) == expected


@pytest.mark.parametrize('value', ['NVIDIA_L4:0', 'NVIDIA_L4:-1', 'NVIDIA_L4:', 'TPU_V2:8',
                                   'ACCELERATOR_TYPE_UNSPECIFIED', 'GPU:1'])
def test_bad_accelerator(value):
  with pytest.raises(RunSettingsError, match=f"TRAINER_ACCELERATOR='{value}'"):
    trainer_machine.accelerator({'TRAINER_ACCELERATOR': value})


@pytest.mark.parametrize('value, gigabytes', [
    ('32', 32.0), ('7.5', 7.5), ('30Gi', 30 * 2**30 / 1e9), ('512Mi', 512 * 2**20 / 1e9),
    ('1500M', 1.5), ('1T', 1000.0), ('1Ti', 2**40 / 1e9),
])
def test_memory_in_gigabytes(value, gigabytes):
  assert trainer_machine.memory_limit({'TRAINER_MEMORY': value}) == pytest.approx(gigabytes)


@pytest.mark.parametrize('value', ['0', '0Gi', '-4', '16GB', 'G', '1e3', 'nan', '9' * 400])
def test_bad_memory(value):
  with pytest.raises(RunSettingsError, match=f"TRAINER_MEMORY='{value[:20]}"):
    trainer_machine.memory_limit({'TRAINER_MEMORY': value})


@pytest.mark.parametrize('value', ['0', '-2', 'inf', 'eight'])
def test_bad_cpu(value):
  with pytest.raises(RunSettingsError, match=f"TRAINER_CPU='{value}'"):
    trainer_machine.cpu_limit({'TRAINER_CPU': value})


@pytest.mark.parametrize('image, gpu_image', [
    (_IMAGE, _IMAGE + '-gpu'),
    ('mnist-gan-tfx', 'mnist-gan-tfx:latest-gpu'),
    ('localhost:5000/mnist-gan-tfx', 'localhost:5000/mnist-gan-tfx:latest-gpu'),
    ('localhost:5000/mnist-gan-tfx:v1', 'localhost:5000/mnist-gan-tfx:v1-gpu'),
    (f'mnist-gan-tfx@sha256:{"0" * 64}', None),
    ('mnist-gan-tfx:' + 'a' * 128, None),  # the longest tag: no room for -gpu
])
def test_gpu_image_of(image, gpu_image):
  assert trainer_machine.gpu_image_of(image) == gpu_image


def test_machine_with_every_value():
  machine = trainer_machine.trainer_machine(
      {'TRAINER_ACCELERATOR': 'NVIDIA_L4:2', 'TRAINER_CPU': '0.5', 'TRAINER_MEMORY': '4'},
      _IMAGE)
  assert machine == trainer_machine.TrainerMachine('NVIDIA_L4', 2, 0.5, 4.0, _IMAGE + '-gpu')
