"""TFLite export of the generator: fp32, fp16, dynamic-range int8 and full-int8 variants.

Import `TFLiteExport` from `components.tflite_export.component`; this package `__init__` stays
free of TensorFlow/TFX imports so `litert_runner` can be used on a LiteRT-only install.
"""
