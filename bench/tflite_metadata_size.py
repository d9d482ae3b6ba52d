"""Benchmark: what TFLite Model Metadata adds to each variant's file, in bytes.

For each preset an untrained generator is exported with models/' own code (weights do not
change the metadata's size), converted to every variant by TFLiteExport's converter, and
populated with the metadata the exporter writes (components/tflite_export/metadata.py,
version = a 10-digit release version). Prints a Markdown table: size without and with
metadata and the difference (a conditional preset's includes labels.txt, packed as a zip).

  .venv/bin/python bench/tflite_metadata_size.py [--presets default,mlp]
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=wrong-import-position
import tensorflow as tf

from components.tflite_export import convert, generator_inputs, metadata
from formats import generator_spec
from models import export
from models.presets import get_preset


def _export(preset_name, folder):
  preset = get_preset(preset_name)
  tf.random.set_seed(0)
  generator = preset.build_generator()
  generator(tf.zeros([2, preset.noise_dim]), tf.zeros([2], tf.int32))
  return export.export_generator(generator, preset, folder)


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--presets', default='default,mlp')
  args = parser.parse_args()
  print('| preset | variant | bytes without | bytes with | added |')
  print('|---|---|---|---|---|')
  with tempfile.TemporaryDirectory() as tmp:
    for preset_name in args.presets.split(','):
      saved_model = _export(preset_name, os.path.join(tmp, preset_name, 'saved_model'))
      spec = generator_inputs.read_spec(saved_model)
      calibration = generator_inputs.as_feed(*generator_inputs.inputs(spec, 100, 1))
      paths, _ = convert.convert_all(saved_model, os.path.join(tmp, preset_name, 'tflite'),
                                     calibration, int8_io=False,
                                     signatures=generator_spec.tflite_signatures(spec))
      for variant, path in paths.items():
        with open(path, 'rb') as f:
          bare = f.read()
        fields = dict(metadata.model_text(spec, variant), version='1764590000',
                      author=metadata.DEFAULT_AUTHOR, license_text=metadata.DEFAULT_LICENSE)
        with_metadata = metadata.populate(bare, spec, what=variant, **fields)
        print(f'| {preset_name} | {variant} | {len(bare)} | {len(with_metadata)} | '
              f'{len(with_metadata) - len(bare)} |', flush=True)


if __name__ == '__main__':
  main()
