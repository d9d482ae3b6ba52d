"""Executor of TFLiteExport: convert, check, measure parity and latency, then publish.

Order matters for "publish nothing half-made": everything is built in a local scratch
folder, and only when every variant converted, passed its checks and its parity threshold
are the folders copied to `<uri>/Format-Serving/` (with tf.io.gfile: on Vertex AI the URIs
are gs:// paths). Any failure raises (TFX then marks the execution failed and drops its
outputs), a partial copy is removed, and so is the scratch folder.

A killed export (SIGKILL: no `finally` runs) leaves its scratch folder; it is an owned
folder (components/scratch_dirs.py), so the next export on this machine removes it. What
it may have copied into its own output URIs stays there, unread: TFX never published those
artifacts, and a rerun gets new URIs (docs/faults.md).
"""
import json
import os
import shutil
from typing import Any, Dict, List

from absl import logging
import tensorflow as tf
from tfx import types
from tfx.dsl.components.base import base_executor
from tfx.types import artifact_utils
from tfx.utils import path_utils

from components import artifact_io, scratch_dirs
from components.tflite_export import card, checks, convert, generator_inputs, litert_runner
from components.tflite_export import metadata, parity
from components.tflite_export.defaults import (DEFAULT_CALIBRATION_SAMPLES,
                                               DEFAULT_LATENCY_RUNS, DEFAULT_PARITY_SAMPLES)
from formats import generator_spec, tflite_model, variants

MODEL_KEY = 'model'
VARIANTS = variants.TFLITE_VARIANTS
INT8_IO_KEY = 'int8_io'
PARITY_SAMPLES_KEY = 'parity_samples'
CALIBRATION_SAMPLES_KEY = 'calibration_samples'
SEED_KEY = 'seed'
LATENCY_RUNS_KEY = 'latency_runs'
METADATA_AUTHOR_KEY = 'metadata_author'
METADATA_LICENSE_KEY = 'metadata_license'


def min_psnr_key(variant: str) -> str:
  return f'min_psnr_db_{variant}'


def latency_runs(exec_properties: Dict[str, Any]) -> int:
  return int(exec_properties.get(LATENCY_RUNS_KEY) or DEFAULT_LATENCY_RUNS)


def export_version(context, model: types.Artifact) -> str:
  """The metadata version of an export until a release stamps its own: the TFX execution
  id (the executor context's unique id, which TFX sets to it), else the input model's id."""
  execution = getattr(context, '_unique_id', None) if context is not None else None
  return f'export-{execution}' if execution else f'export-of-model-{model.id}'


def _measure_signature(variant: str, generator: litert_runner.LiteRTGenerator,
                       feed: Dict[str, Any], reference,
                       exec_properties: Dict[str, Any]) -> Dict[str, Any]:
  """Parity and latency of one signature of a variant (a fixed batch runs at its batch)."""
  images = generator.generate_batched(feed['noise'], feed.get('label'))
  figures = parity.compare(reference, images)
  batch = generator.fixed_batch or 1
  first_input = {name: values[:batch] for name, values in feed.items()}
  latency_ms = generator.latency_ms(first_input['noise'], first_input.get('label'),
                                    runs=latency_runs(exec_properties))
  logging.info('TFLite %-12s %-15s PSNR %7.2f dB  max|err| %.4g  mean|err| %.4g  '
               'latency %.3f ms/call (batch %d, 1 thread)', variant, generator.signature,
               figures['psnr_db'], figures['max_abs_error'], figures['mean_abs_error'],
               latency_ms, batch)
  return dict(figures, latency_ms=latency_ms, batch=batch, io=generator.io_details())


def _measure(variant: str, path: str, spec: Dict[str, Any], feed: Dict[str, Any],
             reference, exec_properties: Dict[str, Any]) -> Dict[str, Any]:
  """Checks one converted variant and measures parity, latency and size of each signature;
  the top-level figures are serving_default's."""
  with open(path, 'rb') as f:
    model_bytes = f.read()
  generator = litert_runner.LiteRTGenerator(model_path=path, num_threads=1)
  weights = checks.check_variant(variant, generator, model_bytes, spec['conditional'],
                                 bool(exec_properties.get(INT8_IO_KEY)))
  per_signature = {}
  for name in generator_spec.tflite_signatures(spec):
    runner = generator if name == generator.signature else litert_runner.LiteRTGenerator(
        model_path=path, num_threads=1, signature=name)
    checks.check_signature(variant, runner, generator)
    per_signature[name] = _measure_signature(variant, runner, feed, reference, exec_properties)
  logging.info('TFLite %-12s size %8d B', variant, len(model_bytes))
  main = per_signature[generator.signature]
  return dict(main, size_bytes=len(model_bytes), weights=weights, signatures=per_signature)


def _publish(staging: str, outputs: Dict[str, types.Artifact]) -> None:
  """Copies every staged variant folder to `<uri>/Format-Serving`, or none of them."""
  started: List[str] = []
  try:
    for variant, artifact in outputs.items():
      target = path_utils.serving_model_dir(artifact.uri)
      if tf.io.gfile.exists(target):
        raise FileExistsError(f'Output {target} already exists; refusing to overwrite it.')
      started.append(target)
      artifact_io.copy_tree(os.path.join(staging, variant), target)
  except Exception:
    for target in started:
      artifact_io.remove_tree(target)
    raise


def _local_saved_model(model_dir: str, scratch: str) -> str:
  """`model_dir`, or a local copy of it: the converter child process reads local files
  only (a gs:// path would work there too, but not e.g. ram://, which is per process)."""
  if artifact_io.is_local(model_dir):
    return model_dir
  copy = os.path.join(scratch, '_saved_model')
  artifact_io.copy_tree(model_dir, copy)
  return copy


def _scratch():
  """A local scratch folder; a killed export's is removed by the next export's call."""
  parent = scratch_dirs.user_tmp('tflite_export')
  return scratch_dirs.owned_folder(parent, 'scratch-', os.path.join(parent, '.lock'))


class Executor(base_executor.BaseExecutor):
  """Converts the generator SavedModel to fp32, fp16, dynamic_int8 and int8 TFLite models."""

  def Do(self, input_dict: Dict[str, List[types.Artifact]],
         output_dict: Dict[str, List[types.Artifact]],
         exec_properties: Dict[str, Any]) -> None:
    self._log_startup(input_dict, output_dict, exec_properties)
    model = artifact_utils.get_single_instance(input_dict[MODEL_KEY])
    outputs = {v: artifact_utils.get_single_instance(output_dict[v]) for v in VARIANTS}
    model_dir = path_utils.serving_model_path(model.uri)
    logging.info('Exporting TFLite variants of the generator at %s', model_dir)

    # Validate the input before any work: clear errors naming the path.
    if not tf.io.gfile.isdir(model_dir) or not tf.io.gfile.listdir(model_dir):
      raise ValueError(f'The input Model artifact holds no generator: {model_dir} is '
                       f'{"empty" if tf.io.gfile.isdir(model_dir) else "missing"}.')
    spec = generator_inputs.read_spec(model_dir, gfile=tf.io.gfile)
    fn = parity.load_generator(model_dir, spec)
    dtypes = parity.input_dtypes(fn)  # int32 label; int64 in releases older than the contract

    seed = int(exec_properties.get(SEED_KEY) or 0)
    feed = generator_inputs.as_feed(*generator_inputs.inputs(
        spec, int(exec_properties.get(PARITY_SAMPLES_KEY) or DEFAULT_PARITY_SAMPLES), seed),
        dtypes)
    # Calibration draws from the same distribution with another seed: the parity set is not
    # seen during calibration, as real phone inputs will not be.
    calibration = generator_inputs.as_feed(*generator_inputs.inputs(
        spec, int(exec_properties.get(CALIBRATION_SAMPLES_KEY) or DEFAULT_CALIBRATION_SAMPLES),
        seed + 1_000_003), dtypes)
    reference = parity.reference_images(fn, feed)
    del fn

    with _scratch() as staging:  # local scratch, whatever the output URIs are
      try:
        paths, repaired = convert.convert_all(
            _local_saved_model(model_dir, staging), os.path.join(staging, '_convert'),
            calibration, bool(exec_properties.get(INT8_IO_KEY)),
            signatures=generator_spec.tflite_signatures(spec))
        # Metadata first: the checks, parity and latency below measure the shipped bytes.
        version = export_version(self._context, model)
        stated = dict(author=exec_properties.get(METADATA_AUTHOR_KEY) or metadata.DEFAULT_AUTHOR,
                      license_text=(exec_properties.get(METADATA_LICENSE_KEY)
                                    or metadata.DEFAULT_LICENSE))
        metadata_bytes = {v: metadata.write_into_file(paths[v], spec, v, version, **stated)
                          for v in VARIANTS}
        results = {v: _measure(v, paths[v], spec, feed, reference, exec_properties)
                   for v in VARIANTS}
        for variant in VARIANTS:  # measured all first, so the log shows every figure
          for name, figures in results[variant]['signatures'].items():
            parity.check_threshold(variant, figures, exec_properties.get(min_psnr_key(variant)),
                                   signature=name)
        for variant, r in results.items():
          folder = os.path.join(staging, variant)
          os.makedirs(folder)
          shutil.move(paths[variant], os.path.join(folder, card.TFLITE_FILE))
          parity_entry = {
              'reference': f'SavedModel {generator_spec.SERVING_SIGNATURE}, same inputs',
              'samples': len(feed['noise']), 'seed': seed,
              'max_abs_error': r['max_abs_error'], 'mean_abs_error': r['mean_abs_error'],
              'psnr_db': r['psnr_db'], 'min_psnr_db': exec_properties.get(min_psnr_key(variant)),
              'calibration_samples': (len(calibration['noise'])
                                      if variant in variants.FULL_INTEGER_VARIANTS else None),
              'signatures': {name: {k: f[k] for k in ('max_abs_error', 'mean_abs_error',
                                                      'psnr_db')}
                             for name, f in r['signatures'].items()}}
          latency = {'ms_per_image_batch1_threads1': r['latency_ms'], 'statistic': 'median',
                     'runs': latency_runs(exec_properties),
                     'measured_on': 'export host CPU (indicative; phones differ)',
                     'ms_per_call_threads1': {name: {'batch': f['batch'], 'ms': f['latency_ms']}
                                              for name, f in r['signatures'].items()}}
          content = card.build(variant, spec,
                               {name: f['io'] for name, f in r['signatures'].items()},
                               r['weights'], r['size_bytes'], parity_entry, latency, model.uri)
          # TFLite Model Metadata in the file (components/tflite_export/metadata.py); a
          # release rewrites the version to its own.
          content[tflite_model.CARD_METADATA_FIELD] = {'version': version, 'bytes': metadata_bytes[variant]}
          if repaired.get(variant):
            content['quantization']['repairs'] = [
                f'{repaired[variant]} ONE_HOT on/off constant(s) requantized to the output scale '
                '(TF 2.16 converter defect, components/tflite_export/fixups.py)']
          with open(os.path.join(folder, card.CARD_FILE), 'w') as f:
            json.dump(content, f, indent=2)
        _publish(staging, outputs)
      finally:
        shutil.rmtree(staging, ignore_errors=True)

    for variant, artifact in outputs.items():
      r = results[variant]
      props = card.custom_properties(variant, r, r['size_bytes'], r['latency_ms'])
      for key, value in props.items():
        if isinstance(value, str):
          artifact.set_string_custom_property(key, value)
        elif isinstance(value, int):
          artifact.set_int_custom_property(key, value)
        else:
          artifact.set_float_custom_property(key, value)
    logging.info('Published TFLite variants: %s',
                 {v: path_utils.serving_model_dir(a.uri) for v, a in outputs.items()})
