"""The test tiers: which test files are `slow`, by measurement (a pytest plugin, pytest.ini).

`make test` runs every test; `make test-fast` (`pytest -m "not slow"`) the rest, the unit
tests, in under 2 minutes on 2 cores. A file is slow when it runs a pipeline (LocalDagRunner,
the TFX CLI, `make run`), converts a real model to TFLite, trains for more than a few steps
or starts TensorFlow subprocesses. The seconds beside each are its total under
`pytest --durations=0` on the loaded 2-core machine (docs/tests.md; None: not measured, slow by what it runs). One list here, rather
than a marker line in every file, so the tiers are read and changed in one place.
"""
import os

import pytest

SLOW_FILES = {
    # Runners and entry points: subprocesses of make, tfx, local_runner.py.
    'tests/test_local_runner.py': 100,
    'tests/test_cli.py': 83,
    'tests/test_schedule_knobs.py': 39,
    'tests/test_cron_schedule.py': 36,
    'tests/test_fetch_mnist.py': 32,
    # Training, resume, export of real presets.
    'tests/models/test_resume_nan.py': 272,
    'tests/models/test_training.py': 97,
    'tests/models/test_distributed.py': 66,
    'tests/models/test_presets.py': 51,
    'tests/models/test_warm_start.py': 45,
    'tests/models/test_classifier_trainer.py': 44,
    'tests/models/test_schedule.py': 41,
    'tests/models/test_d_update_schedule.py': 52,
    'tests/models/test_export.py': 35,
    'tests/models/test_kill_resume.py': 27,
    'tests/models/test_steps_per_call.py': 20,
    'tests/models/test_vertex_keys.py': 10,
    'tests/models/test_multi_worker.py': None,  # multi-worker training: not measured yet
    # TFLite conversion and executors on real models.
    'tests/components/test_tflite_export.py': 65,
    'tests/components/test_baseline_model.py': 29,
    'tests/components/test_tflite_export_kill.py': 23,
    'tests/components/test_remote_uris.py': 22,
    'tests/components/test_sample_quality.py': 11,
    'tests/components/test_tflite_metadata.py': 9,
    'tests/components/test_pushed_tflite_metadata.py': 29,
    'tests/components/test_tflite_uint8_output.py': 15,
    # Pipelines run through LocalDagRunner (Beam, several TensorFlow processes).
    'tests/pipeline/test_full_pipeline.py': None,
    'tests/pipeline/test_gate_drift.py': None,
    'tests/pipeline/test_release_preset_change.py': None,
    'tests/pipeline/test_ingest_pipeline.py': None,
    'tests/pipeline/test_bad_input.py': None,
    'tests/pipeline/test_span_ingest.py': None,
    'tests/pipeline/test_run_summary.py': None,
    'tests/pipeline/test_console_noise.py': None,
    'tests/pipeline/test_console_log.py': 45,
    # Whole folders: the generate CLI on exported models, the browser preview in Chromium.
    'tests/cli/': None,
    'tests/demo/': None,
}
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_collection_modifyitems(items):
  for item in items:
    path = os.path.relpath(str(item.path), _REPO).replace(os.sep, '/')
    if path in SLOW_FILES or any(path.startswith(f) for f in SLOW_FILES if f.endswith('/')):
      item.add_marker(pytest.mark.slow)
