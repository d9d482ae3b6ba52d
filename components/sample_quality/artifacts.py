"""The blessing of a TFLite model: an artifact type of its own, never a SavedModel blessing.

`LatestBlessedModelStrategy` (the baseline and warm-start source, pipeline/pipeline.py)
takes the newest `ModelBlessing` with `blessed` = 1 and then the Model its
`current_model_id` names. On the local runner its channels also filter by producer
(`producer_component_id='Evaluator'`), but TFX 1.16's Kubeflow V2 compiler drops that
filter: the compiled query is `schema_title="tfx.ModelBlessing" AND ... blessed=1`. A
`ModelBlessing` from the int8 gate would make the int8 TFLite model the next baseline and
warm-start source on Vertex AI. A blessing of this type cannot match that query.

`TYPE_NAME` is also how a Kubeflow V2 container finds the class: it imports the schema
title as `<module>.<Class>` (one-word module, KFP's naming rule), hence `components.` and
the re-export in components/__init__.py.
"""
from tfx.types import standard_artifacts


class TFLiteModelBlessing(standard_artifacts.ModelBlessing):
  """What a SampleQualityEvaluator of a TFLite candidate writes instead of a ModelBlessing."""
  TYPE_NAME = 'components.TFLiteModelBlessing'
