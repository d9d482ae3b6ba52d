"""Span ingest wiring, from the compiled pipeline (nothing runs)."""
from tfx.dsl.compiler import compiler

from pipeline import configs
from pipeline import pipeline as pipeline_lib


def _compiled_nodes(incoming_dir):
  """Node id -> compiled PipelineNode."""
  ir = compiler.Compiler().compile(pipeline_lib.create_pipeline(
      pipeline_name='wiring', pipeline_root='/nonexistent/root', tfds_data_dir='/nonexistent',
      schema_path=configs.SCHEMA_PATH, serving_dir='/nonexistent/serving',
      incoming_dir=incoming_dir))
  return {n.pipeline_node.node_info.id: n.pipeline_node for n in ir.nodes}


def _examples_producers(node):
  """Producers of every channel behind a node's `examples` input (a union has several)."""
  return sorted(channel.producer_node_query.id
                for spec in node.inputs.inputs.values() for channel in spec.channels
                if channel.output_key == 'examples')


def test_without_an_incoming_dir_there_is_no_span_ingest():
  nodes = _compiled_nodes(incoming_dir=None)
  assert not [node_id for node_id in nodes if node_id.startswith('Span')]
  assert _examples_producers(nodes['Trainer']) == ['TfdsExampleGen']


def test_the_span_is_checked_before_anything_trains():
  nodes = _compiled_nodes(incoming_dir='/data/incoming')
  assert {'SpanExampleGen', 'SpanStatisticsGen', 'SpanExampleValidator',
          'SpanAnomalyGate'} <= set(nodes)
  for trainer in ('Trainer', 'ClassifierTrainer'):
    assert {'AnomalyGate', 'SpanAnomalyGate'} <= set(nodes[trainer].upstream_nodes)


def test_only_the_gan_trains_on_the_span():
  nodes = _compiled_nodes(incoming_dir='/data/incoming')
  assert _examples_producers(nodes['Trainer']) == ['SpanExampleGen', 'TfdsExampleGen']
  # The gate's yardstick stays the TFDS data: classifier and real eval images.
  assert _examples_producers(nodes['ClassifierTrainer']) == ['TfdsExampleGen']
  assert _examples_producers(nodes['GeneratorEvalExamples']) == ['TfdsExampleGen']
