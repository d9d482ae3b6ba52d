"""AnomalyGate: stops the run when ExampleValidator found anomalies in any split.

ExampleValidator only records anomalies; TFX leaves acting on them to the pipeline. This
gate fails its execution (so the orchestrator runs nothing downstream) with every anomaly
spelled out in the error.
"""
import os

from tensorflow_data_validation.utils import anomalies_util
from tfx import v1 as tfx
from tfx.types import artifact_utils


class DataAnomaliesError(RuntimeError):
  """The validated Examples do not match the curated schema."""


def describe_anomalies(anomalies_artifact) -> list:
  """Returns one line per anomaly: split, feature, short and long description."""
  lines = []
  for split in artifact_utils.decode_split_names(anomalies_artifact.split_names):
    path = os.path.join(anomalies_artifact.uri, f'Split-{split}', 'SchemaDiff.pb')
    anomalies = anomalies_util.load_anomalies_binary(path)
    for feature, info in sorted(anomalies.anomaly_info.items()):
      lines.append(f'split {split!r}, feature {feature!r}: {info.short_description} '
                   f'({info.description})')
    if anomalies.HasField('dataset_anomaly_info'):
      info = anomalies.dataset_anomaly_info
      lines.append(f'split {split!r}, dataset: {info.short_description} ({info.description})')
  return lines


@tfx.dsl.components.component
def AnomalyGate(anomalies: tfx.dsl.components.InputArtifact[
    tfx.types.standard_artifacts.ExampleAnomalies]) -> None:
  """Raises DataAnomaliesError listing the anomalies, if there are any."""
  lines = describe_anomalies(anomalies)
  if lines:
    raise DataAnomaliesError('Data validation found anomalies; stopping the run:\n  ' +
                             '\n  '.join(lines))
