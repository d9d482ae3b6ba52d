"""SpanExampleGen: new labelled digits arriving as `<incoming_dir>/span-1/`, `span-2/`, ...

A FileBasedExampleGen, so TFX's own span machinery applies: the driver resolves `{SPAN}`
to the latest span folder, records `span` and `version` on the Examples artifact and
fingerprints the files, so an unchanged span is a cache hit and a new one a new artifact.
"""
from tfx.components.example_gen import component
from tfx.dsl.components.base import executor_spec
from tfx.proto import example_gen_pb2

from components.span_example_gen import executor

# Relative to incoming_dir. `{SPAN}` is TFX's placeholder: the driver picks the largest.
SPAN_PATTERN = 'span-{SPAN}/*'

# Hash buckets of each output split. Same split names as TfdsExampleGen's: a Trainer needs
# every Examples artifact it reads to have both (TFX's FnArgs builds train and eval files).
SPLIT_BUCKETS = {'train': 9, 'eval': 1}


class SpanExampleGen(component.FileBasedExampleGen):
  """Writes the latest span of `incoming_dir` as gzip TFRecords, splits train/eval 9:1.

  Each span folder holds IDX pairs and/or PNG folders 0/ ... 9/ (span_files.py). Examples
  have the layout of formats/examples.py, so the curated schema validates them.
  """

  EXECUTOR_SPEC = executor_spec.BeamExecutorSpec(executor.Executor)

  def __init__(self, incoming_dir: str):
    super().__init__(
        input_base=incoming_dir,
        input_config=example_gen_pb2.Input(splits=[
            example_gen_pb2.Input.Split(name='span', pattern=SPAN_PATTERN)]),
        output_config=example_gen_pb2.Output(split_config=example_gen_pb2.SplitConfig(
            splits=[example_gen_pb2.SplitConfig.Split(name=name, hash_buckets=buckets)
                    for name, buckets in SPLIT_BUCKETS.items()])),
        output_file_format=example_gen_pb2.FORMAT_TFRECORDS_GZIP)
