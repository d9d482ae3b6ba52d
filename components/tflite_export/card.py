"""The model card of a TFLite variant: how to call it and how faithful and fast it is.

Written as `card.json` beside the `tflite` file, so a mobile client knows the input names,
shapes, dtypes, noise distribution and label meaning, how to (de)quantize int8 I/O, and the
parity and latency measured against the SavedModel at export time.

`signature`, `inputs` and `outputs` describe `serving_default` (any batch: what phones
call). `signatures` describes each signature in the file the same way, with its batch;
`web_signature` names the fixed-shape one a browser (LiteRT.js) calls, or is null when the
file has none.
"""
from typing import Any, Dict

from formats import tflite_model, variants
from formats.generator_spec import (IMAGES_OUTPUT, LABEL_INPUT, NOISE_INPUT, SERVING_SIGNATURE,
                                    WEB_SIGNATURE)

CARD_FILE = tflite_model.CARD_FILE
TFLITE_FILE = tflite_model.MODEL_FILE  # the name TFMA loads for model_type='tf_lite'

_QUANTIZATION = {
    variants.FP32: {'weights': 'float32', 'activations': 'float32'},
    variants.FP16: {'weights': 'float16 (dequantized to float32 at load)',
                    'activations': 'float32'},
    variants.DYNAMIC_INT8: {'weights': 'int8',
                            'activations': 'float32 (int8 kernels where possible)'},
    variants.INT8: {'weights': 'int8', 'activations': 'int8'},
    variants.UINT8_OUT: {'weights': 'int8', 'activations': 'int8',
                              'output': 'uint8 gray levels (scale 1/255, zero point 0)'},
}


def _io_entry(details: Dict[str, Any]) -> Dict[str, Any]:
  entry = {'dtype': details['dtype'], 'shape': details['shape']}
  if details['scale']:  # quantized I/O: real = scale * (q - zero_point)
    entry['quantization'] = {'scale': details['scale'], 'zero_point': details['zero_point'],
                             'real_value': 'scale * (q - zero_point)'}
  return entry


def tensors(spec: Dict[str, Any], io: Dict[str, Dict[str, Any]]) -> Dict[str, list]:
  """{'inputs': [...], 'outputs': [...]}: one signature's tensors, as a card describes them."""
  noise = dict(_io_entry(io[NOISE_INPUT]), name=NOISE_INPUT, distribution=spec['noise'],
               meaning=f'latent noise, draw each of the {spec["noise_dim"]} values i.i.d. '
                       'from `distribution` (the training distribution)')
  inputs = [noise]
  if spec['conditional']:
    inputs.append(dict(_io_entry(io[LABEL_INPUT]), name=LABEL_INPUT,
                       meaning=f'digit to draw: class index 0..{spec["num_classes"] - 1}'))
  images = dict(_io_entry(io[IMAGES_OUTPUT]), name=IMAGES_OUTPUT, range=spec['output_range'],
                meaning='grayscale 28x28 digit, 0 = background, 1 = ink (MNIST convention)')
  if io[IMAGES_OUTPUT]['dtype'] == 'uint8':  # gray levels (components/tflite_export/uint8_output.py)
    images['bitmap'] = (
        'each uint8 value is the gray level of its pixel as it is: 0 = background, 255 = ink; '
        'rows of 28 values, top to bottom. Android: per pixel 0xFF000000 | q << 16 | q << 8 | q '
        'into Bitmap.setPixels (white ink on black; 255 - q for dark ink on white); iOS: the '
        '784 bytes as a CGImage with an 8-bit DeviceGray color space')
  return {'inputs': inputs, 'outputs': [images]}


def build(variant: str, spec: Dict[str, Any], io: Dict[str, Dict[str, Dict[str, Any]]],
          weights: Dict[str, int], size_bytes: int, parity: Dict[str, Any],
          latency: Dict[str, Any], source_uri: str) -> Dict[str, Any]:
  """The card; `io` maps each signature in the file to its tensors' details."""
  described = {name: dict(tensors(spec, details),
                          batch=details[NOISE_INPUT]['shape'][0] if
                          details[NOISE_INPUT]['shape'][0] > 0 else None)
               for name, details in io.items()}
  return {
      'variant': variant,
      tflite_model.CARD_FILE_FIELD: TFLITE_FILE,
      'size_bytes': size_bytes,
      'preset': spec.get('preset'),
      'signature': SERVING_SIGNATURE,
      **{k: described[SERVING_SIGNATURE][k] for k in ('inputs', 'outputs')},
      'signatures': described,
      'web_signature': WEB_SIGNATURE if WEB_SIGNATURE in described else None,
      'quantization': dict(_QUANTIZATION[variant], weight_bytes_by_dtype=weights,
                           io=io[SERVING_SIGNATURE][IMAGES_OUTPUT]['dtype']),
      'parity': parity,
      'latency': latency,
      'source_model_uri': source_uri,
      'runtime': 'LiteRT (ai-edge-litert) or TensorFlow Lite builtin ops only; no Flex ops',
  }


def custom_properties(variant: str, figures: Dict[str, float], size_bytes: int,
                      latency_ms: float) -> Dict[str, Any]:
  """Flat values for the artifact's MLMD custom properties (float/int/str only)."""
  return {'tflite_variant': variant, 'size_bytes': int(size_bytes),
          'parity_psnr_db': figures['psnr_db'], 'parity_max_abs_error': figures['max_abs_error'],
          'parity_mean_abs_error': figures['mean_abs_error'],
          'latency_ms_batch1_threads1': latency_ms}
