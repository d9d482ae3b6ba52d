"""TFX components of the MNIST GAN pipeline."""

_LAZY = {'SavedModelBlessing': 'components.sample_quality.artifacts',
         'TFLiteModelBlessing': 'components.sample_quality.artifacts'}


def __getattr__(name):
  # Kubeflow V2 containers load custom artifact types by their type name, an import path
  # ('components.SavedModelBlessing'). Imported on demand: some components modules must
  # import without TensorFlow (the LiteRT runner), and TFX would pull it in.
  if name in _LAZY:
    import importlib  # pylint: disable=g-import-not-at-top
    return getattr(importlib.import_module(_LAZY[name]), name)
  raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
