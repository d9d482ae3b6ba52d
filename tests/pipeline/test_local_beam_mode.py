"""The local runners' DirectRunner mode: in this process unless BEAM_RUNNING_MODE says
otherwise (worker processes only add their start when one component runs at a time)."""
import pytest
from apache_beam.options import pipeline_options

from pipeline import beam_args
from pipeline import configs
from pipeline import local_pipeline
from pipeline.knob_errors import RunSettingsError


def _direct(args):
  options = pipeline_options.PipelineOptions(args).get_all_options()
  return options['direct_running_mode'], options['direct_num_workers']


def test_local_runs_keep_beam_in_process_on_multi_core_machines(monkeypatch):
  monkeypatch.setattr(beam_args.os, 'cpu_count', lambda: 2)
  settings = local_pipeline.local_settings('/tmp/unused', {}, folders_here=False)
  assert _direct(settings['beam_pipeline_args']) == ('in_memory', 1)
  assert _direct(local_pipeline.local_beam_args({})) == ('in_memory', 1)
  assert configs.LOCAL_DIRECT_RUNNING_MODE == 'in_memory'


def test_beam_running_mode_still_chooses_worker_processes(monkeypatch):
  monkeypatch.setattr(beam_args.os, 'cpu_count', lambda: 2)
  environ = {'BEAM_RUNNING_MODE': 'multi_processing'}
  assert _direct(local_pipeline.local_beam_args(environ)) == ('multi_processing', 0)
  environ['BEAM_NUM_WORKERS'] = '3'
  assert _direct(local_pipeline.local_beam_args(environ)) == ('multi_processing', 3)


def test_other_runners_are_untouched_by_the_direct_default():
  environ = {'BEAM_RUNNER': 'flink', 'BEAM_FLINK_MASTER': 'localhost:8081'}
  assert local_pipeline.local_beam_args(environ) == beam_args.flink_args('localhost:8081')


def test_a_bad_beam_running_mode_is_still_named():
  with pytest.raises(RunSettingsError, match='BEAM_RUNNING_MODE'):
    local_pipeline.local_beam_args({'BEAM_RUNNING_MODE': 'threads'})


def test_a_direct_default_that_is_no_option_is_refused():
  with pytest.raises(ValueError, match=r"direct_defaults: \['running_mod'\]"):
    beam_args.beam_args_from_env({}, direct_defaults={'running_mod': 'in_memory'})
