"""pipeline/run_summary.py reads a run's outcome from ML Metadata and the serving folder.

The store holds what a LocalDagRunner run records (executions in their `node` contexts,
the VersionedPusher's PushedModel as its `pushed_model` output, its properties as the
pusher sets them); the release folder is written by the pusher's own publish(). No TF.
"""
import os
import time

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2

from components.versioned_pusher import publish
from pipeline import run_summary

_GATE = {'floor_fid': 1.0467, 'floor_mnist_score': 9.7992, 'floor_class_accuracy': 0.9929,
         'floor_num_samples': 10000, 'max_fid': 6.2805, 'min_mnist_score': 9.6032,
         'min_class_accuracy': 0.9730}
_METRICS = {'fid': 4.9748, 'mnist_score': 9.7603, 'class_accuracy': 0.9895}
_STATE = metadata_store_pb2.Execution.State


class _Run:
  """A stand-in run: executions of named nodes, the pusher's PushedModel."""

  def __init__(self, tmp_path):
    self.config = metadata_store_pb2.ConnectionConfig()
    self.config.sqlite.filename_uri = str(tmp_path / 'metadata.sqlite')
    self.config.sqlite.connection_mode = 3  # READWRITE_OPENCREATE
    self.store = metadata_store.MetadataStore(self.config)
    self.serving_dir = str(tmp_path / 'serving')
    self.node_type = self._type(metadata_store_pb2.ContextType, 'node',
                                self.store.put_context_type)

  @staticmethod
  def _type(cls, name, put):
    return put(cls(name=name))

  def execution(self, node, state=_STATE.COMPLETE, outputs=None):
    type_id = self.store.put_execution_type(metadata_store_pb2.ExecutionType(name=node))
    execution = metadata_store_pb2.Execution(type_id=type_id, last_known_state=state)
    context = metadata_store_pb2.Context(type_id=self.node_type, name=f'test_run.{node}')
    existing = self.store.get_context_by_type_and_name('node', context.name)
    if existing:
      context = existing
    artifacts_and_events = []
    for key, artifact in (outputs or {}).items():
      event = metadata_store_pb2.Event(type=metadata_store_pb2.Event.OUTPUT)
      event.path.steps.add().key = key
      event.path.steps.add().index = 0
      artifacts_and_events.append((artifact, event))
    self.store.put_execution(execution, artifacts_and_events, [context])

  def pushed_model(self, **properties):
    type_id = self.store.put_artifact_type(metadata_store_pb2.ArtifactType(name='PushedModel'))
    artifact = metadata_store_pb2.Artifact(type_id=type_id, uri='/unused')
    for key, value in properties.items():
      if isinstance(value, int):
        artifact.custom_properties[key].int_value = value
      else:
        artifact.custom_properties[key].string_value = value
    return artifact

  def summary(self, started_at):
    return '\n'.join(run_summary.summary_lines(self.config, self.serving_dir, started_at))


def _release(serving_dir):
  return publish.publish(serving_dir, lambda folder: None,
                         {'metrics': {'saved_model': _METRICS}, 'gates': {'saved_model': _GATE}})


def test_a_pushed_run_names_its_version_folder_and_figures_against_the_floor(tmp_path):
  run = _Run(tmp_path)
  started = time.time() - 1
  target = _release(run.serving_dir)
  run.execution('Trainer')
  run.execution('VersionedPusher', outputs={'pushed_model': run.pushed_model(
      pushed=1, pushed_destination=target, pushed_version=os.path.basename(target))})
  text = run.summary(started)
  assert f'PUSHED version {os.path.basename(target)}: {target}' in text
  assert ('SavedModel gate: fid 4.975 (<= 6.28, floor 1.047), mnist_score 9.76 (>= 9.603, '
          'floor 9.799), class_accuracy 0.9895 (>= 0.973, floor 0.9929)') in text
  assert 'Run summary (2 executions, wall time' in text


def test_a_refused_run_names_each_refusing_gate_and_where_serving_stays(tmp_path):
  run = _Run(tmp_path)
  earlier = _release(run.serving_dir)
  started = time.time() - 1
  refusal = ('Not pushed: TFLite fp16 gate: model 13 was not blessed (/r/fp16); '
             'TFLite int8 gate: model 14 was not blessed (/r/int8)')
  run.execution('VersionedPusher', outputs={'pushed_model': run.pushed_model(
      pushed=0, refusal=refusal)})
  text = run.summary(started)
  assert 'REFUSED, nothing pushed.' in text
  assert '    TFLite fp16 gate: model 13 was not blessed (/r/fp16)\n' in text
  assert '    TFLite int8 gate: model 14 was not blessed (/r/int8)\n' in text
  assert 'PUSHED' not in text
  assert f'serving stays at {earlier} (LATEST)' in text


def test_a_failed_stage_is_named_and_nothing_ran_prints_nothing(tmp_path):
  run = _Run(tmp_path)
  run.execution('Trainer')  # an earlier run's
  started = time.time() + 1
  assert run.summary(started) == ''  # `tfx pipeline create`: no execution since
  time.sleep(1.1)
  run.execution('TfdsExampleGen')
  run.execution('ClassifierTrainer', state=_STATE.FAILED)
  text = run.summary(started)
  assert 'FAILED at ClassifierTrainer' in text and 'nothing pushed' in text
