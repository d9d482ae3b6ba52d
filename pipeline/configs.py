"""Constants of the MNIST GAN pipeline. Paths and the orchestrator belong to the runners."""
import dataclasses
import os

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

# GAN training: a preset of models/presets and its step count (one step = one real batch).
# 6,000 steps of `default` take about 8 minutes on 2 CPU cores (README.md, "Presets and training").
PRESET = 'default'
TRAIN_STEPS = 6000

# Each run continues from the last blessed GAN (G, D, EMA and step) and trains TRAIN_STEPS
# more steps; a first run, which has no blessed model yet, starts from scratch.
WARM_START = True

# New labelled digits arriving over time as <INCOMING_DIR>/span-1/, span-2/, ... (IDX pairs
# or PNG folders 0/..9/). None: TFDS data only. With a folder, each run ingests and validates
# its latest span, and the GAN trains on it besides the TFDS data; earlier spans reach the
# model through warm start (README.md, "New data as spans").
INCOMING_DIR = None

# The evaluation classifier (batch 128): ~5 epochs, >= 99.0% on the official test split.
CLASSIFIER_TRAIN_STEPS = 2500
CLASSIFIER_MIN_ACCURACY = 0.99

# Generated samples per evaluation. FID is biased at small N: only compare at equal N.
EVAL_SAMPLES = 10_000


@dataclasses.dataclass(frozen=True)
class GateThresholds:
  """What a generator must reach to be pushed (sample quality per the MNIST classifier)."""
  max_fid: float = 25.0
  min_mnist_score: float = 8.0
  min_class_accuracy: float = 0.85  # conditional presets only
  # Against the last blessed model (skipped on the first run, which has no baseline).
  max_fid_increase: float = 5.0
  max_class_accuracy_drop: float = 0.03
  # The full-int8 TFLite model against this run's fp32 TFLite model.
  int8_max_fid_increase: float = 3.0
  int8_max_class_accuracy_drop: float = 0.02


GATE = GateThresholds()
