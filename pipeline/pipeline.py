"""Wires the components of the MNIST GAN pipeline; nothing else lives here."""
from typing import Any, List, Mapping, Optional

from ml_metadata.proto import metadata_store_pb2
from tfx import v1 as tfx
from tfx.dsl.components.base import base_node
from tfx.types import channel as channel_types

from components.anomaly_gate import AnomalyGate
from components.sample_quality import input_dtypes as gate_hooks
from components.sample_quality.eval_examples import GeneratorEvalExamples
from components.sample_quality.evaluator import SampleQualityEvaluator
from components.span_example_gen import SpanExampleGen
from components.tfds_example_gen import TfdsExampleGen
from components.tflite_export.component import TFLiteExport
from components.tflite_export.defaults import DEFAULT_PARITY_SAMPLES
from components.versioned_pusher.component import GATED_TFLITE_VARIANTS, TFLITE_VARIANTS
from components.versioned_pusher.component import VersionedPusher
from models.config import TrainConfig
from models.presets import get_preset
from pipeline import configs
from pipeline import eval_configs
from pipeline import run_knobs


def validation_components(examples: tfx.dsl.Channel, schema_path: str) -> List[base_node.BaseNode]:
  """Statistics, schemas and validation of `examples`; the last one stops a bad run.

  ExampleValidator checks against the curated schema in the repo; SchemaGen's inferred
  schema is produced too, so a changed dataset can be diffed against the curated one.
  """
  curated_schema_gen = tfx.components.ImportSchemaGen(
      schema_file=schema_path).with_id('CuratedSchemaGen')
  return [curated_schema_gen] + data_checks(examples, curated_schema_gen.outputs['schema'])


def data_checks(examples: tfx.dsl.Channel, schema: tfx.dsl.Channel,
                id_prefix: str = '') -> List[base_node.BaseNode]:
  """StatisticsGen, SchemaGen, ExampleValidator and AnomalyGate of `examples`, ids prefixed.

  The empty prefix gives the components their default ids (the TFDS data's checks).
  """
  # With the schema, statistics treat the label as categorical and count its values.
  statistics_gen = tfx.components.StatisticsGen(
      examples=examples, schema=schema).with_id(id_prefix + 'StatisticsGen')
  inferred_schema_gen = tfx.components.SchemaGen(
      statistics=statistics_gen.outputs['statistics'],
      infer_feature_shape=True).with_id(id_prefix + 'SchemaGen')
  example_validator = tfx.components.ExampleValidator(
      statistics=statistics_gen.outputs['statistics'],
      schema=schema).with_id(id_prefix + 'ExampleValidator')
  anomaly_gate = AnomalyGate(
      anomalies=example_validator.outputs['anomalies']).with_id(id_prefix + 'AnomalyGate')
  return [statistics_gen, inferred_schema_gen, example_validator, anomaly_gate]


def incoming_span_components(incoming_dir: str,
                             schema: tfx.dsl.Channel) -> List[base_node.BaseNode]:
  """The latest span of new data in `incoming_dir`, checked like the TFDS data.

  The first component's `examples` are the span; the last one stops a run whose span has
  anomalies.
  """
  span_example_gen = SpanExampleGen(incoming_dir)
  return [span_example_gen] + data_checks(span_example_gen.outputs['examples'], schema,
                                          id_prefix='Span')


def latest_release() -> base_node.BaseNode:
  """The GAN model of the last release VersionedPusher pushed, in an earlier run.

  Empty on a first run. It seeds the Trainer (warm start) and is the SavedModel gate's
  baseline. The blessing followed is the pusher's (`blessed` = 1 only when it pushed), not a
  gate's: a model that any gate refused never becomes a baseline. Compiled for Kubeflow V2,
  the producer filter is dropped, but no other component writes a `tfx.ModelBlessing`
  (components/sample_quality/artifacts.py).
  """
  return tfx.dsl.Resolver(
      strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
      model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model,
                            producer_component_id='Trainer'),
      model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing,
                                     producer_component_id='VersionedPusher',
                                     output_key='release_blessing'),
  ).with_id('LatestReleaseResolver')


def training_components(examples, schema, preset: str, train_steps: int,
                        classifier_train_steps: int, classifier_min_accuracy: float,
                        trainer_run_fn: str,
                        base_model: Optional[tfx.dsl.Channel],
                        eval_samples: int = configs.EVAL_SAMPLES,
                        incoming_examples: Optional[tfx.dsl.Channel] = None,
                        gan_config: Optional[Mapping[str, Any]] = None
                        ) -> List[base_node.BaseNode]:
  """The evaluation classifier and the GAN, both trained by TFX Trainers.

  The GAN Trainer's custom_config is `preset` plus `gan_config`, TrainConfig overrides
  (models/config.py); without overrides it is `preset` alone.

  With a `base_model` the GAN Trainer warm-starts from that model's weights, if it has one.
  With `incoming_examples` (the latest span) the GAN Trainer trains on them besides
  `examples`; the classifier, the gate's fixed yardstick, stays on `examples`. The classifier
  measures the floor (real train vs real eval) at `eval_samples`, the N the gates compare at.
  """
  gan_examples = examples
  if incoming_examples is not None:
    # A Trainer reads the train split of every artifact in its `examples` channel.
    gan_examples = channel_types.union([examples, incoming_examples])
  classifier_trainer = tfx.components.Trainer(
      run_fn='models.classifier_trainer.run_fn', examples=examples, schema=schema,
      train_args=tfx.proto.TrainArgs(num_steps=classifier_train_steps),
      eval_args=tfx.proto.EvalArgs(num_steps=None),
      custom_config={'min_accuracy': classifier_min_accuracy,
                     'floor_samples': eval_samples}).with_id('ClassifierTrainer')
  trainer = tfx.components.Trainer(
      run_fn=trainer_run_fn, examples=gan_examples, schema=schema,
      train_args=tfx.proto.TrainArgs(num_steps=train_steps),
      eval_args=tfx.proto.EvalArgs(num_steps=0), base_model=base_model,
      custom_config={'preset': preset, **(gan_config or {})})
  return [classifier_trainer, trainer]


def tflite_gate_id(variant: str) -> str:
  """'TFLiteFp16Evaluator', 'TFLiteDynamicInt8Evaluator', 'TFLiteInt8Evaluator'."""
  return 'TFLite' + ''.join(part.capitalize() for part in variant.split('_')) + 'Evaluator'


def gate_and_push_components(examples, classifier, model, baseline, preset: str,
                             gate: configs.GateThresholds, eval_samples: int,
                             tflite_parity_samples: int, serving_dir: str,
                             model_author: Optional[str] = None,
                             model_license: Optional[str] = None
                             ) -> List[base_node.BaseNode]:
  """TFLite export, the SavedModel gate, one gate per quantized TFLite variant, the push.

  `baseline` is the last pushed release's model (`latest_release()`); `model` is compared
  to it, each evaluated with its own noise (baseline_model.py). Every gate's hooks
  (input_dtypes.py) feed the examples' int64 label to each model in the dtype it declares
  (int32 now, int64 in older releases). Each of fp16, dynamic_int8
  and int8 is compared with this run's fp32 TFLite model (TFMA cannot compare a TFLite model
  with a SavedModel); the pusher ships only when every gate blessed. `model_author` and
  `model_license` go into every variant's TFLite metadata (None: the exporter's defaults).
  """
  conditional = get_preset(preset).conditional
  tflite_export = TFLiteExport(model=model, parity_samples=tflite_parity_samples,
                               metadata_author=model_author, metadata_license=model_license)
  eval_examples = GeneratorEvalExamples(examples=examples, model=model,
                                        baseline_model=baseline, num_samples=eval_samples)
  gate_inputs = dict(examples=eval_examples.outputs['eval_examples'], classifier=classifier,
                     schema=eval_examples.outputs['schema'])
  evaluator = SampleQualityEvaluator(
      model=model, baseline_model=baseline,
      eval_config=eval_configs.saved_model_gate(gate, conditional),
      module_path=gate_hooks.__name__, **gate_inputs).with_id('Evaluator')
  tflite_gates = {
      variant: SampleQualityEvaluator(
          model=tflite_export.outputs[variant], baseline_model=tflite_export.outputs['fp32'],
          eval_config=eval_configs.int8_gate(gate, conditional),
          module_path=gate_hooks.__name__, **gate_inputs).with_id(tflite_gate_id(variant))
      for variant in GATED_TFLITE_VARIANTS}
  tflite_gate_outputs = {}
  for variant, tflite_gate in tflite_gates.items():
    tflite_gate_outputs[f'{variant}_blessing'] = tflite_gate.outputs['blessing']
    tflite_gate_outputs[f'{variant}_evaluation'] = tflite_gate.outputs['evaluation']
  pusher = VersionedPusher(
      model=model, model_blessing=evaluator.outputs['blessing'],
      model_evaluation=evaluator.outputs['evaluation'],
      serving_dir=serving_dir,
      **{variant: tflite_export.outputs[variant] for variant in TFLITE_VARIANTS},
      **tflite_gate_outputs)
  return [tflite_export, eval_examples, evaluator, *tflite_gates.values(), pusher]


def create_pipeline(
    pipeline_name: str,
    pipeline_root: str,
    tfds_data_dir: str,
    schema_path: str,
    serving_dir: str,
    metadata_connection_config: Optional[metadata_store_pb2.ConnectionConfig] = None,
    dataset: str = configs.DATASET,
    manual_dir: Optional[str] = None,
    max_examples_per_split: Optional[int] = None,
    beam_pipeline_args: Optional[List[str]] = None,
    enable_cache: bool = True,
    preset: str = configs.PRESET,
    train_steps: int = configs.TRAIN_STEPS,
    classifier_train_steps: int = configs.CLASSIFIER_TRAIN_STEPS,
    classifier_min_accuracy: float = configs.CLASSIFIER_MIN_ACCURACY,
    gate: configs.GateThresholds = configs.GATE,
    eval_samples: int = configs.EVAL_SAMPLES,
    tflite_parity_samples: int = DEFAULT_PARITY_SAMPLES,
    trainer_run_fn: str = 'models.gan_trainer.run_fn',
    stop_after: Optional[str] = None,
    warm_start: bool = configs.WARM_START,
    incoming_dir: Optional[str] = configs.INCOMING_DIR,
    gan_config: Optional[Mapping[str, Any]] = None,
    model_author: Optional[str] = configs.MODEL_AUTHOR,
    model_license: Optional[str] = configs.MODEL_LICENSE,
) -> tfx.dsl.Pipeline:
  """Returns the MNIST GAN pipeline: ingest, validation, training, export, gate, push.

  `stop_after='validation'` or `'training'` builds only the first stages (tests, ingest
  benchmarks); `trainer_run_fn` swaps the GAN trainer (tests use a broken one).
  `warm_start` gives the GAN Trainer the last pushed release's model to continue from.
  `incoming_dir` adds new data arriving as spans (`span-1/`, `span-2/`, ...): the latest
  span is ingested, validated and trained on by the GAN Trainer besides the TFDS data.
  `gan_config`: TrainConfig overrides besides `preset` for the GAN Trainer (the GAN_CONFIG
  knob), checked here by TrainConfig so a bad one fails the build, not the Trainer.
  `model_author`, `model_license`: the author and license every shipped .tflite's metadata
  states (MODEL_AUTHOR, MODEL_LICENSE); None leaves TFLiteExport's defaults.
  """
  if stop_after not in (None,) + run_knobs.STOP_AFTER_STAGES:
    raise ValueError(f'stop_after={stop_after!r}: one of {run_knobs.STOP_AFTER_STAGES} or None '
                     '(the whole pipeline)')
  if gan_config and 'preset' in gan_config:
    raise ValueError(f'gan_config={dict(gan_config)!r}: pass the preset as preset=, not in '
                     'gan_config')
  TrainConfig.from_custom_config({'preset': preset, **(gan_config or {})})
  example_gen = TfdsExampleGen(
      data_dir=tfds_data_dir, dataset=dataset, manual_dir=manual_dir,
      max_examples_per_split=max_examples_per_split)
  examples = example_gen.outputs['examples']
  validation = validation_components(examples, schema_path)
  components = [example_gen] + validation
  anomaly_gates = [validation[-1]]
  incoming_examples = None
  if incoming_dir:
    incoming = incoming_span_components(incoming_dir, validation[0].outputs['schema'])
    incoming_examples = incoming[0].outputs['examples']
    components += incoming
    anomaly_gates.append(incoming[-1])
  if stop_after != 'validation':
    schema = validation[0].outputs['schema']
    release = latest_release()
    training = training_components(
        examples, schema, preset, train_steps, classifier_train_steps,
        classifier_min_accuracy, trainer_run_fn,
        base_model=release.outputs['model'] if warm_start else None,
        eval_samples=eval_samples, incoming_examples=incoming_examples,
        gan_config=gan_config)
    for trainer in training:  # nothing trains on data the validation stage rejected
      for anomaly_gate in anomaly_gates:
        trainer.add_upstream_node(anomaly_gate)
    components += [release] + training
    if stop_after != 'training':
      classifier_trainer, trainer = training
      components += gate_and_push_components(
          examples, classifier_trainer.outputs['model'], trainer.outputs['model'],
          release.outputs['model'], preset, gate, eval_samples, tflite_parity_samples,
          serving_dir, model_author=model_author, model_license=model_license)
  return tfx.dsl.Pipeline(
      pipeline_name=pipeline_name,
      pipeline_root=pipeline_root,
      components=components,
      enable_cache=enable_cache,
      metadata_connection_config=metadata_connection_config,
      beam_pipeline_args=beam_pipeline_args,
  )
