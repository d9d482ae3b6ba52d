"""A TFLiteExport killed mid-export, then rerun: nothing of the killed one outlives it.

The killed execution's output folders stay empty (the variants are published only when all
of them passed), its local scratch folder is removed by the rerun, and the rerun, given new
output URIs as TFX gives it, publishes every variant. The kill is a real SIGKILL of a child
process and of the converter process it started.
"""
import glob
import os
import tempfile

from tests.components import tflite_helpers as helpers
from tests.support import kill

_CHILD = ('import sys\n'
          'from tests.components import tflite_helpers as h\n'
          'h.run_do(h.export_standin("mlp", sys.argv[1]), sys.argv[2])\n')


def _files(root):
  return sorted(os.path.relpath(os.path.join(folder, name), root)
                for folder, _, names in os.walk(root) for name in names)


def test_rerun_after_a_kill_mid_conversion_publishes_and_leaves_no_scratch(tmp_path,
                                                                           monkeypatch):
  tmp = tmp_path / 'tmp'  # the system temp folder of both runs, so this test sees only its own
  tmp.mkdir()
  killed_out = tmp_path / 'killed'
  proc = kill.start(['-c', _CHILD, str(tmp_path / 'model'), str(killed_out)],
                    str(tmp_path / 'killed.log'), env={'TMPDIR': str(tmp)})
  # Killed while the converter writes its variants (the child's scratch in `tmp`).
  kill.kill_when(proc, lambda: glob.glob(str(tmp / '**' / 'fp32.tflite'), recursive=True),
                 timeout_s=180)
  assert helpers.published_files(killed_out) == []
  assert any(f.endswith('fp32.tflite') for f in _files(tmp))  # what the kill left

  monkeypatch.setattr(tempfile, 'tempdir', str(tmp))
  outputs = helpers.run_do(str(tmp_path / 'model'), tmp_path / 'rerun')
  for variant, artifact in outputs.items():
    assert sorted(os.listdir(os.path.join(artifact.uri, 'Format-Serving'))) == \
        ['card.json', 'tflite'], variant
  # No scratch folder is left, and no model file (TF's autograph files are loose files).
  folders = [os.path.relpath(f, tmp) for f, _, _ in os.walk(tmp)][1:]
  assert folders in ([], [f'tflite_export-{os.getuid()}']), folders
  assert not [f for f in _files(tmp) if f.endswith(('.tflite', '.npz'))], _files(tmp)
