"""The few lines a person reads at the end of a run: pushed or refused, where, how well.

Read from what the run left, not from its console: the executions ML Metadata recorded
since the run started (which stage failed, if one did), the VersionedPusher's PushedModel
(`pushed`, `refusal` naming each refusing gate, `pushed_destination`), the pushed version's
manifest (metrics and each gate's floor and bounds), and for a refused release the
SavedModel gate's own evaluation. A `tfx pipeline create` load runs nothing, so it gets
no summary.
"""
import json
import os
import time
from typing import List, Optional

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2

from formats import release

PUSHER_NODE = 'VersionedPusher'
_STATE = metadata_store_pb2.Execution.State
# The gate's headline metrics: name, the bound key of its gate record, the comparison.
HEADLINE = (('fid', 'max_fid', '<='), ('mnist_score', 'min_mnist_score', '>='),
            ('class_accuracy', 'min_class_accuracy', '>='))


def _node(store, execution) -> str:
  for context in store.get_contexts_by_execution(execution.id):
    if context.type == 'node':
      return context.name.rsplit('.', 1)[-1]  # '<pipeline>.<node id>'
  return execution.type


def _output(store, execution, key):
  ids = [event.artifact_id for event in store.get_events_by_execution_ids([execution.id])
         if event.type == metadata_store_pb2.Event.OUTPUT and event.path.steps[0].key == key]
  return store.get_artifacts_by_id(ids)[0] if ids else None


def _input(store, execution, key):
  ids = [event.artifact_id for event in store.get_events_by_execution_ids([execution.id])
         if event.type == metadata_store_pb2.Event.INPUT and event.path.steps[0].key == key]
  return store.get_artifacts_by_id(ids)[0] if ids else None


def headline(metrics: dict, gate: Optional[dict]) -> str:
  """'fid 4.97 (<= 6.28, floor 1.05), ...' for the metrics present."""
  parts = []
  for name, bound_key, sign in HEADLINE:
    if name not in metrics:
      continue
    text = f'{name} {metrics[name]:.4g}'
    if gate and bound_key in gate:
      text += f' ({sign} {gate[bound_key]:.4g}, floor {gate["floor_" + name]:.4g})'
    parts.append(text)
  return ', '.join(parts) or 'no metrics recorded'


def _saved_model_gate(store, pusher_execution) -> str:
  """The refused release's SavedModel gate figures, from its ModelEvaluation."""
  evaluation = _input(store, pusher_execution, 'model_evaluation')
  if evaluation is None:
    return 'no SavedModel gate evaluation recorded'
  # TFMA's reader and the gate record's file: the pusher's own readers of an evaluation.
  from components.versioned_pusher import component  # pylint: disable=import-outside-toplevel
  return headline(component.overall_metrics(evaluation), component.gate_record(evaluation))


def _serving_state(serving_dir: str) -> str:
  if not os.path.isfile(os.path.join(serving_dir, release.LATEST)):
    return f'{serving_dir} has no release yet'
  return f'serving stays at {release.latest_version(serving_dir)} (LATEST)'


def summary_lines(connection_config, serving_dir: str, started_at: float,
                  now: Optional[float] = None) -> List[str]:
  """The summary of the run that started at `started_at` (time.time()); [] if none ran."""
  store = metadata_store.MetadataStore(connection_config)
  since_ms = int(started_at * 1000)
  executions = sorted((e for e in store.get_executions()
                       if e.create_time_since_epoch >= since_ms), key=lambda e: e.id)
  if not executions:
    return []
  wall = (now or time.time()) - started_at
  lines = [f'Run summary ({len(executions)} executions, wall time {wall / 60:.1f} min):']
  failed = [e for e in executions if e.last_known_state == _STATE.FAILED]
  pushers = [e for e in executions if _node(store, e) == PUSHER_NODE]
  pushed = _output(store, pushers[-1], 'pushed_model') if pushers else None
  if failed:
    lines.append(f'  FAILED at {_node(store, failed[0])} (execution {failed[0].id}; its error '
                 'is above): nothing pushed')
  elif pushed is None:
    last = _node(store, executions[-1])
    lines.append(f'  no release decision: the run ended after {last} (STOP_AFTER?)')
  elif pushed.custom_properties['pushed'].int_value == 1:
    target = pushed.custom_properties['pushed_destination'].string_value
    cached = pushers[-1].last_known_state == _STATE.CACHED
    lines.append(f'  PUSHED version {os.path.basename(target)}'
                 f'{" (cached: same inputs as an earlier run)" if cached else ""}: {target}')
    with open(os.path.join(target, release.MANIFEST)) as f:
      manifest = json.load(f)
    lines.append('  SavedModel gate: ' + headline(manifest['metrics']['saved_model'],
                                                  manifest.get('gates', {}).get('saved_model')))
  else:
    refusal = pushed.custom_properties['refusal'].string_value
    lines.append('  REFUSED, nothing pushed.')
    lines.extend(f'    {reason.strip()}' for reason in
                 refusal.replace('Not pushed: ', '', 1).split(';'))
    lines.append('  SavedModel gate: ' + _saved_model_gate(store, pushers[-1]))
    lines.append(f'  {_serving_state(serving_dir)}')
  return lines
