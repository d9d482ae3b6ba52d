"""TFLiteExport's `metadata_author` and `metadata_license`: what the component makes of them.

Given, each is an exec property the executor writes into every variant's metadata
(tests/components/test_pushed_tflite_metadata.py reads them back from pushed files); not
given, neither is an exec property at all, so the export's cache key is that of one built
without them; a blank or non-text value is refused naming the field. No
conversion runs here: the component is only constructed.
"""
import pytest
from tfx import types
from tfx import v1 as tfx

from components.tflite_export import component, executor

_KEYS = (executor.METADATA_AUTHOR_KEY, executor.METADATA_LICENSE_KEY)


def _channel():
  return types.Channel(type=tfx.types.standard_artifacts.Model)


def test_given_fields_become_exec_properties():
  export = component.TFLiteExport(model=_channel(), metadata_author='Example Corp',
                                  metadata_license='Apache-2.0')
  assert export.exec_properties[executor.METADATA_AUTHOR_KEY] == 'Example Corp'
  assert export.exec_properties[executor.METADATA_LICENSE_KEY] == 'Apache-2.0'


def test_fields_not_given_are_no_exec_properties():
  for export in (component.TFLiteExport(model=_channel()),
                 component.TFLiteExport(model=_channel(), metadata_author=None,
                                        metadata_license=None)):
    assert not set(_KEYS) & set(export.exec_properties)
  only_author = component.TFLiteExport(model=_channel(), metadata_author='Example Corp')
  assert executor.METADATA_LICENSE_KEY not in only_author.exec_properties


@pytest.mark.parametrize('field, key', [('metadata_author', executor.METADATA_AUTHOR_KEY),
                                        ('metadata_license', executor.METADATA_LICENSE_KEY)])
@pytest.mark.parametrize('value', ['', '  ', 7])
def test_blank_or_non_text_field_is_refused_by_name(field, key, value):
  with pytest.raises(ValueError, match=f'{key}={value!r}: a non-blank string'):
    component.TFLiteExport(model=_channel(), **{field: value})
