"""Warm start wiring, from the compiled pipeline (nothing runs): who feeds the GAN Trainer."""
import pytest
from tfx.dsl.compiler import compiler

from pipeline import configs
from pipeline import pipeline as pipeline_lib

_RESOLVER = 'LatestReleaseResolver'


def _compiled_inputs(warm_start):
  """Node id -> its compiled inputs (key -> InputSpec)."""
  ir = compiler.Compiler().compile(pipeline_lib.create_pipeline(
      pipeline_name='wiring', pipeline_root='/nonexistent/root', tfds_data_dir='/nonexistent',
      schema_path=configs.SCHEMA_PATH, serving_dir='/nonexistent/serving',
      warm_start=warm_start))
  return {n.pipeline_node.node_info.id: n.pipeline_node.inputs.inputs for n in ir.nodes}


def _producer(input_spec):
  [channel] = input_spec.channels
  return channel.producer_node_query.id


@pytest.mark.parametrize('warm_start', [True, False])
def test_evaluator_baseline_is_always_the_last_pushed_release(warm_start):
  assert _producer(_compiled_inputs(warm_start)['Evaluator']['baseline_model']) == _RESOLVER


def test_warm_start_feeds_the_trainer_the_last_pushed_release():
  base_model = _compiled_inputs(warm_start=True)['Trainer']['base_model']
  assert _producer(base_model) == _RESOLVER
  # Optional: a first run, with nothing blessed yet, still trains (from scratch).
  assert base_model.min_count == 0


def test_without_warm_start_the_trainer_has_no_base_model():
  assert 'base_model' not in _compiled_inputs(warm_start=False)['Trainer']


def test_the_release_resolver_follows_the_pushers_blessing_not_a_gates():
  """Only a release the pusher pushed may become the baseline and warm-start base."""
  inputs = _compiled_inputs(warm_start=True)[_RESOLVER]
  # The resolver's channels are compiled into hidden inputs the strategy reads.
  [blessing] = [c for spec in inputs.values() for c in spec.channels
                if c.artifact_query.type.name == 'ModelBlessing']
  assert [q.name.field_value.string_value for q in blessing.context_queries
          if q.type.name == 'node'] == ['wiring.VersionedPusher']
  assert blessing.output_key == 'release_blessing'


def test_baseline_noise_is_drawn_for_the_release_baseline():
  assert _producer(_compiled_inputs(True)['GeneratorEvalExamples']['baseline_model']) == _RESOLVER
