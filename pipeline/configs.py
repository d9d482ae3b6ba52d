"""Constants of the MNIST GAN pipeline. Paths and the orchestrator belong to the runners."""
import dataclasses
import os

from models.presets import DEFAULT_PRESET
from pipeline import beam_args

PIPELINE_NAME = 'mnist_gan'

# Any 28x28 grayscale TFDS dataset with integer labels 0-9 works, e.g. 'fashion_mnist'.
DATASET = 'mnist'

# The curated schema every run is validated against.
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), 'schema', 'schema.pbtxt')

# Beam in this process with one worker: for tests and in-process runs. Worker processes
# each import TensorFlow first, so on 2 cores the small ingest test ran 127 s instead of 74 s.
# The runners take theirs from pipeline/beam_args.py instead (env BEAM_RUNNER): by default a
# multi-process DirectRunner on multi-core machines, or Flink, Spark, Dataflow.
BEAM_PIPELINE_ARGS = beam_args.direct_args(running_mode='in_memory')

# The DirectRunner mode of the local runners (local_runner.py, airflow_dag.py) when
# BEAM_RUNNING_MODE is unset. LocalDagRunner runs one component at a time, so worker
# processes mostly add their start (each imports TensorFlow and TFDV or TFMA) to every
# Beam stage: on 2 cores the full 70,000-example ingest took ExampleGen 67 s and
# StatisticsGen 18 s in memory against 131 s and 53 s with a worker per core
# (docs/benchmarks.md, "Full run"). BEAM_RUNNING_MODE=multi_processing brings them back.
LOCAL_DIRECT_RUNNING_MODE = 'in_memory'

# GAN training: a preset of models/presets and its step count (one step = one real batch).
# `default` reaches its quality targets from 8,000 steps, where its FID curve flattens; they
# fit the GAN Trainer's 4-minute budget in `make run` on 2 CPU cores (docs/quality.md).
PRESET = DEFAULT_PRESET
TRAIN_STEPS = 8000

# Each run continues from the last blessed GAN (G, D, EMA and step) and trains TRAIN_STEPS
# more steps; a first run, which has no blessed model yet, starts from scratch.
WARM_START = True

# New labelled digits arriving over time as <INCOMING_DIR>/span-1/, span-2/, ... (IDX pairs
# or PNG folders 0/..9/). None: TFDS data only. With a folder, each run ingests and validates
# its latest span, and the GAN trains on it besides the TFDS data; earlier spans reach the
# model through warm start (docs/operating.md, "New data as spans").
INCOMING_DIR = None

# The `author` and `license` fields of every shipped .tflite's TFLite metadata, as whoever
# ships the model states them (an app store asks for both), e.g. 'Example Corp' and
# 'Apache-2.0'. None: the exporter's defaults (components/tflite_export/metadata.py), which
# name this pipeline and claim no license.
MODEL_AUTHOR = None
MODEL_LICENSE = None

# The evaluation classifier (batch 128): ~5 epochs, >= 99.0% on the official test split.
CLASSIFIER_TRAIN_STEPS = 2500
CLASSIFIER_MIN_ACCURACY = 0.99

# Generated samples per evaluation. FID is biased at small N: only compare at equal N.
EVAL_SAMPLES = 10_000


@dataclasses.dataclass(frozen=True)
class GateThresholds:
  """What a generator must reach to be pushed (sample quality per the MNIST classifier).

  docs/gate.md says what each figure checks and how these values were chosen from the
  measured run-to-run spread. Class-accuracy thresholds apply to conditional presets only.
  """
  # Absolute, as multiples of the floor this run's classifier measures on real images
  # (models/gate_floor.py: real train vs real eval at the evaluation's N). The Evaluator
  # turns them into concrete TFMA value thresholds at run time.
  max_fid_over_floor: float = 6.0             # fid <= 6.0 x floor fid
  min_mnist_score_of_floor: float = 0.98      # mnist_score >= 0.98 x floor mnist_score
  min_class_accuracy_of_floor: float = 0.98   # class_accuracy >= 0.98 x floor class_accuracy
  # Fixed outer bounds, applied besides the floor's: a wrong floor cannot loosen the gate.
  max_fid: float = 25.0
  min_mnist_score: float = 8.0
  min_class_accuracy: float = 0.85
  # Against the baseline (skipped on the first run, which has no baseline). FID increases
  # are RELATIVE (0.10: at most 10% above the baseline's FID), class-accuracy drops are
  # absolute points.
  max_fid_increase: float = 0.10
  max_class_accuracy_drop: float = 0.005
  # A TFLite variant against this run's fp32 TFLite model (eval_configs.int8_gate).
  int8_max_fid_increase: float = 0.05
  int8_max_class_accuracy_drop: float = 0.005

  def __post_init__(self):
    for field in dataclasses.fields(self):
      value = getattr(self, field.name)
      if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError(f'GateThresholds.{field.name} must be a number, got {value!r}')
      if value < 0:  # a negative factor, increase or drop is a typo, never a policy
        raise ValueError(f'GateThresholds.{field.name} must be >= 0, got {value!r}')


GATE = GateThresholds()
