"""TFLiteExport's measurement defaults, in one place for the component, its executor, the
pipeline and the benches (no TensorFlow here: the benches and the pipeline import it freely).
"""
# Seeded inputs on which every variant is compared with the SavedModel (PSNR, max error).
DEFAULT_PARITY_SAMPLES = 1000
# Seeded inputs (every label in turn) that calibrate the full-int8 variant.
DEFAULT_CALIBRATION_SAMPLES = 500
# Timed batch-1 invocations per variant; the card reports their median.
DEFAULT_LATENCY_RUNS = 100
