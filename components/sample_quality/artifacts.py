"""The gates' blessings: artifact types of their own, never a plain `tfx.ModelBlessing`.

The baseline and warm-start source (pipeline/pipeline.py) is the last *pushed* release:
`LatestBlessedModelStrategy` over the `ModelBlessing` that VersionedPusher writes (blessed =
1 only when it pushed). On the local runner the resolver's channel also filters by producer
(`producer_component_id='VersionedPusher'`), but TFX 1.16's Kubeflow V2 compiler drops that
filter and hard-codes the type: the compiled query is `schema_title="tfx.ModelBlessing" AND
... blessed=1`, whatever type the channel names (kubeflow/v2/step_builder.py). So no gate may
write a `tfx.ModelBlessing`: a model one gate blessed but another refused would become the
next baseline and warm-start base on Vertex AI. Each gate writes one of the types below,
which that query cannot match.

`TYPE_NAME` is also how a Kubeflow V2 container finds the class: it imports the schema
title as `<module>.<Class>` (one-word module, KFP's naming rule), hence `components.` and
the re-export in components/__init__.py.
"""
from tfx.types import standard_artifacts


class SavedModelBlessing(standard_artifacts.ModelBlessing):
  """What the SavedModel gate (a SampleQualityEvaluator of a SavedModel) writes."""
  TYPE_NAME = 'components.SavedModelBlessing'


class TFLiteModelBlessing(standard_artifacts.ModelBlessing):
  """What a SampleQualityEvaluator of a TFLite candidate writes instead of a ModelBlessing."""
  TYPE_NAME = 'components.TFLiteModelBlessing'
