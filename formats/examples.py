"""The tf.Example layout of MNIST examples, as every producer and consumer reads it.

Written by TfdsExampleGen and SpanExampleGen, checked by the curated schema
(pipeline/schema/schema.pbtxt), read by both Trainers and the sample-quality metrics:

  `image`  int64 list of IMAGE_SIZE = 784 values: the 28x28 picture in row-major order,
           PIXEL_MIN = 0 (background) to PIXEL_MAX = 255 (full ink). Plain integers rather
           than PNG bytes, so the schema checks size and pixel range and nothing needs an
           image codec to decode them.
  `label`  int64 list of one value: the digit, 0 to NUM_CLASSES - 1.

Models see an image as float32 of MODEL_IMAGE_SHAPE (28, 28, 1), pixel / PIXEL_MAX in
[0, 1] (`to_unit_images`; models/data.py does the same in TensorFlow).

GeneratorEvalExamples adds the generator's inputs to each eval example, as float lists:
  `noise`           the candidate generator's seeded noise (its generator_spec.json's size
                    and distribution);
  `baseline_noise`  the baseline release's own noise, drawn the same way from its spec.
TFMA feeds a model the features named like its signature inputs, so NOISE_FEATURE and
LABEL_FEATURE are also the generator's input names (formats/generator_spec.py takes them
from here).
"""
import numpy as np

IMAGE_FEATURE = 'image'
LABEL_FEATURE = 'label'
NOISE_FEATURE = 'noise'
BASELINE_NOISE_FEATURE = 'baseline_noise'

IMAGE_SHAPE = (28, 28)  # rows, columns of the stored picture
IMAGE_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
PIXEL_MIN, PIXEL_MAX = 0, 255
LABEL_SIZE = 1
NUM_CLASSES = 10  # labels 0 .. NUM_CLASSES - 1

# Feature name -> values per example of the stored layout; every one an int64 list.
INT_FEATURES = {IMAGE_FEATURE: IMAGE_SIZE, LABEL_FEATURE: LABEL_SIZE}
INT_DTYPE = 'int64'
NOISE_DTYPE = 'float32'  # noise features are float lists

MODEL_IMAGE_SHAPE = IMAGE_SHAPE + (1,)  # one grayscale channel


def to_unit_images(pixels) -> np.ndarray:
  """Stored pixels (any int array of N x IMAGE_SIZE values, or one image) -> float32 images
  of shape [N, 28, 28, 1] in [0, 1], as models read them."""
  return np.asarray(pixels, np.float32).reshape((-1,) + MODEL_IMAGE_SHAPE) / PIXEL_MAX
