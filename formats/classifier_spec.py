"""The gate classifier's SavedModel contract: what models/classifier_trainer.py exports and
components/sample_quality/classifier_runner.py (and the benches) call.

`SIGNATURE(IMAGES_INPUT float32 [N, 28, 28, 1] in [0, 1])` returns `LOGITS_OUTPUT` [N, 10]
and `EMBEDDING_OUTPUT` [N, D], the penultimate layer, in which the gate's Fréchet distance
and precision/recall are measured.
"""
SIGNATURE = 'serving_default'
IMAGES_INPUT = 'images'
LOGITS_OUTPUT = 'logits'
EMBEDDING_OUTPUT = 'embedding'
