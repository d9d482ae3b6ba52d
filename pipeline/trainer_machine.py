"""The GAN Trainer's machine on Kubeflow V2 / Vertex AI: GPU, CPU, memory and image.

kubeflow_v2_runner.py reads TRAINER_ACCELERATOR, TRAINER_CPU, TRAINER_MEMORY and
TRAINER_IMAGE here and gives them to the GAN Trainer's step only (its container's resource
spec and image); every other step keeps the pipeline's image and no resource request. All
unset: the Trainer runs like every other step. A bad value raises one RunSettingsError
naming each bad variable, its value and what is allowed (docs/operating.md, "The GAN
Trainer on a GPU"). Imports no TensorFlow; the Vertex AI SDK, whose list of accelerator
types is the allowed one, is imported only when TRAINER_ACCELERATOR is set.
"""
import dataclasses
import math
import re
import warnings
from typing import Mapping, Optional, Tuple

from pipeline import run_settings
from pipeline.knob_errors import RunSettingsError, gather, problem
from pipeline.knob_values import number

ACCELERATOR = 'TRAINER_ACCELERATOR'
CPU = 'TRAINER_CPU'
MEMORY = 'TRAINER_MEMORY'
IMAGE = 'TRAINER_IMAGE'
VARIABLES = (ACCELERATOR, CPU, MEMORY, IMAGE)

# The default GPU image is the pipeline image's tag plus this (Dockerfile.gpu built on it).
GPU_TAG_SUFFIX = '-gpu'

_ACCELERATOR_FORM = re.compile(r'([A-Za-z0-9_]+)(?::(\d+))?')
# Memory as Kubernetes and KFP write it; the pipeline spec's memory_limit is in GB (10^9).
_MEMORY_FORM = re.compile(r'(\d+(?:\.\d*)?|\.\d+)(M|Mi|G|Gi|T|Ti)?')
_UNIT_BYTES = {None: 10**9, 'M': 10**6, 'Mi': 2**20, 'G': 10**9, 'Gi': 2**30,
               'T': 10**12, 'Ti': 2**40}
CPU_ALLOWED = 'a number of vCPUs > 0, e.g. 8 (the GAN Trainer step\'s CPU limit)'
MEMORY_ALLOWED = ('a memory size > 0: a number of GB, or with a unit M, Mi, G, Gi, T or Ti, '
                  'e.g. 32 or 30Gi (the GAN Trainer step\'s memory limit)')


@dataclasses.dataclass(frozen=True)
class TrainerMachine:
  """What the GAN Trainer's step asks for; None or 0: not asked."""
  accelerator_type: Optional[str]  # a Vertex AI AcceleratorType name, e.g. 'NVIDIA_L4'
  accelerator_count: int
  cpu_limit: Optional[float]  # vCPUs
  memory_limit: Optional[float]  # GB, the pipeline spec's unit
  image: Optional[str]  # the Trainer's image; None: the pipeline image


def gpu_types() -> Tuple[str, ...]:
  """Vertex AI's GPU types: the NVIDIA_* members of the Vertex AI SDK's AcceleratorType
  (google-cloud-aiplatform, pinned by constraints.txt). TPUs are left out: the GPU image
  is a CUDA one and the training loop has no TPU strategy."""
  with warnings.catch_warnings():
    # google.api_core warns at import that Python 3.10 is old; nothing to act on here.
    warnings.simplefilter('ignore', FutureWarning)
    from google.cloud.aiplatform_v1.types import accelerator_type  # pylint: disable=g-import-not-at-top
  return tuple(kind.name for kind in accelerator_type.AcceleratorType
               if kind.name.startswith('NVIDIA_'))


def _fail(variable: str, value: Optional[str], allowed: str):
  raise RunSettingsError([problem(variable, value, allowed)])


def accelerator(environ: Mapping[str, str]) -> Tuple[Optional[str], int]:
  """(type, count) from TRAINER_ACCELERATOR=TYPE[:COUNT] (count 1 when left out), or
  (None, 0) when unset. The type is matched in any case and returned in Vertex's."""
  value = environ.get(ACCELERATOR)
  if not value:
    return None, 0
  types = gpu_types()
  match = _ACCELERATOR_FORM.fullmatch(value.strip())
  if (not match or match[1].upper() not in types
      or (match[2] is not None and int(match[2]) < 1)):
    _fail(ACCELERATOR, value, f'TYPE[:COUNT], TYPE one of Vertex AI\'s GPU types '
          f'({", ".join(types)}; no TPUs: the GPU image is CUDA\'s), COUNT a whole number '
          '>= 1 (default 1), e.g. NVIDIA_L4:1')
  return match[1].upper(), int(match[2] or 1)


def cpu_limit(environ: Mapping[str, str]) -> Optional[float]:
  value = environ.get(CPU)
  if not value:
    return None
  try:
    cpus = number(value)
  except ValueError:
    cpus = 0
  if cpus <= 0:
    _fail(CPU, value, CPU_ALLOWED)
  return cpus


def memory_limit(environ: Mapping[str, str]) -> Optional[float]:
  """GB (10^9 bytes); '30Gi' is 32.21225472."""
  value = environ.get(MEMORY)
  if not value:
    return None
  match = _MEMORY_FORM.fullmatch(value.strip())
  gigabytes = float(match[1]) * _UNIT_BYTES[match[2]] / 10**9 if match else 0
  if not 0 < gigabytes < math.inf:  # 400 digits would be inf
    _fail(MEMORY, value, MEMORY_ALLOWED)
  return gigabytes


def gpu_image_of(image: str) -> Optional[str]:
  """`image` with GPU_TAG_SUFFIX on its tag ('repo/name:0.1.0' -> 'repo/name:0.1.0-gpu';
  no tag: 'latest-gpu'), or None when it cannot have one (a digest, a tag too long)."""
  if '@' in image:
    return None
  name, colon, tag = image.rpartition(':')
  if colon and '/' not in tag:  # else the colon was a registry's port
    derived = f'{name}:{tag}{GPU_TAG_SUFFIX}'
  else:
    derived = f'{image}:latest{GPU_TAG_SUFFIX}'
  return derived if run_settings.IMAGE_PATTERN.fullmatch(derived) else None


def trainer_image(environ: Mapping[str, str], pipeline_image: Optional[str]) -> Optional[str]:
  """TRAINER_IMAGE, else the GPU image of `pipeline_image` when TRAINER_ACCELERATOR is set;
  None without it (the pipeline image). `pipeline_image` None: it is bad, and reported by
  its own check, so no GPU image is derived from it."""
  value = environ.get(IMAGE)
  if not environ.get(ACCELERATOR):
    if value:
      _fail(IMAGE, value, f'unset unless {ACCELERATOR} is set (without an accelerator the '
            'GAN Trainer runs the pipeline image, like every other step)')
    return None
  if value:
    return run_settings.image(environ, IMAGE, None)
  if pipeline_image is None:
    return None
  derived = gpu_image_of(pipeline_image)
  if derived is None:
    _fail(IMAGE, None, f'the GPU image (Dockerfile.gpu), required here: PIPELINE_IMAGE='
          f'{pipeline_image!r} has no tag to add {GPU_TAG_SUFFIX!r} to')
  return derived


def trainer_machine(environ: Mapping[str, str],
                    pipeline_image: Optional[str]) -> Optional[TrainerMachine]:
  """The GAN Trainer's machine from the TRAINER_* variables, or None when none is set.
  One RunSettingsError names every bad one."""
  if not any(environ.get(variable) for variable in VARIABLES):
    return None
  settings = gather(accelerator=lambda: accelerator(environ),
                    cpu=lambda: cpu_limit(environ),
                    memory=lambda: memory_limit(environ),
                    image=lambda: trainer_image(environ, pipeline_image))
  kind, count = settings['accelerator']
  return TrainerMachine(accelerator_type=kind, accelerator_count=count,
                        cpu_limit=settings['cpu'], memory_limit=settings['memory'],
                        image=settings['image'])
