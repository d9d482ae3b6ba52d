"""Constants of the MNIST GAN pipeline. Paths and the orchestrator belong to the runners."""
import os

PIPELINE_NAME = 'mnist_gan'

# Any 28x28 grayscale TFDS dataset with integer labels 0-9 works, e.g. 'fashion_mnist'.
DATASET = 'mnist'

# The curated schema every run is validated against.
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), 'schema', 'schema.pbtxt')

# Beam runs in-process by default; runners may pass more (e.g. other Beam runners).
BEAM_PIPELINE_ARGS = ['--direct_running_mode=in_memory', '--direct_num_workers=1']
