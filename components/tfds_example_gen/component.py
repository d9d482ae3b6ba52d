"""TfdsExampleGen: a query-based ExampleGen whose "query" is a tensorflow-datasets split.

It reuses TFX's ExampleGen machinery (driver, span/version properties, split layout,
gzip TFRecord writing); only reading the source is ours, in executor.py.
"""
from typing import Dict, Optional

from tfx.components.example_gen import driver
from tfx.components.example_gen import utils
from tfx.dsl.components.base import base_beam_component
from tfx.dsl.components.base import executor_spec
from tfx import types
from tfx.proto import example_gen_pb2
from tfx.types import component_spec
from tfx.types import standard_artifacts
from tfx.types import standard_component_specs

from components.tfds_example_gen import executor

# Our split name -> TFDS split: the official MNIST test set is our `eval` split.
DEFAULT_SPLITS = {'train': 'train', 'eval': 'test'}


class TfdsExampleGenSpec(component_spec.ComponentSpec):
  """Parameters of TfdsExampleGen: the ExampleGen ones plus the TFDS source."""
  PARAMETERS = {
      standard_component_specs.INPUT_CONFIG_KEY:
          component_spec.ExecutionParameter(type=example_gen_pb2.Input),
      standard_component_specs.OUTPUT_CONFIG_KEY:
          component_spec.ExecutionParameter(type=example_gen_pb2.Output),
      standard_component_specs.OUTPUT_DATA_FORMAT_KEY:
          component_spec.ExecutionParameter(type=int),
      standard_component_specs.OUTPUT_FILE_FORMAT_KEY:
          component_spec.ExecutionParameter(type=int),
      executor.DATASET_KEY: component_spec.ExecutionParameter(type=str),
      executor.DATA_DIR_KEY: component_spec.ExecutionParameter(type=str),
      executor.MANUAL_DIR_KEY: component_spec.ExecutionParameter(type=str, optional=True),
      executor.MAX_EXAMPLES_KEY: component_spec.ExecutionParameter(type=int, optional=True),
  }
  INPUTS = {}
  OUTPUTS = {
      standard_component_specs.EXAMPLES_KEY:
          component_spec.ChannelParameter(type=standard_artifacts.Examples),
  }


class TfdsExampleGen(base_beam_component.BaseBeamComponent):
  """Writes a TFDS image dataset as gzip TFRecords of tf.Examples, one folder per split.

  Args:
    data_dir: where TFDS keeps downloads and the prepared dataset (reused across runs).
    dataset: TFDS name of a 28x28 grayscale dataset with integer labels, e.g. `mnist` or
      `fashion_mnist`.
    manual_dir: folder holding the dataset's original files for offline use; they are
      checked against TFDS's registered checksums. None lets TFDS download them.
    max_examples_per_split: keep only the first N examples of each split (small runs).
    splits: output split name -> TFDS split name.
  """

  SPEC_CLASS = TfdsExampleGenSpec
  EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)
  DRIVER_CLASS = driver.QueryBasedDriver

  def __init__(self,
               data_dir: str,
               dataset: str = 'mnist',
               manual_dir: Optional[str] = None,
               max_examples_per_split: Optional[int] = None,
               splits: Optional[Dict[str, str]] = None):
    if max_examples_per_split is not None and max_examples_per_split < 1:
      raise ValueError(f'max_examples_per_split must be >= 1, got {max_examples_per_split}')
    input_config = example_gen_pb2.Input(splits=[
        example_gen_pb2.Input.Split(name=name, pattern=tfds_split)
        for name, tfds_split in (splits or DEFAULT_SPLITS).items()
    ])
    spec = TfdsExampleGenSpec(
        input_config=input_config,
        output_config=utils.make_default_output_config(input_config),
        output_data_format=example_gen_pb2.FORMAT_TF_EXAMPLE,
        output_file_format=example_gen_pb2.FORMAT_TFRECORDS_GZIP,
        dataset=dataset,
        data_dir=data_dir,
        manual_dir=manual_dir,
        max_examples_per_split=max_examples_per_split,
        examples=types.Channel(type=standard_artifacts.Examples),
    )
    super().__init__(spec=spec)
