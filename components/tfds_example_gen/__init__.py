"""ExampleGen that ingests a tensorflow-datasets image dataset (MNIST by default)."""
from components.tfds_example_gen.component import TfdsExampleGen

__all__ = ['TfdsExampleGen']
