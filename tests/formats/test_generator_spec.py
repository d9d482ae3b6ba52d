"""generator_spec.json read and written without TensorFlow; bad fields named with the file."""
import json

import pytest

from formats import generator_spec


def _spec(conditional=True):
  return {'preset': 'default', 'conditional': conditional, 'noise_dim': 100,
          'noise': {'distribution': 'uniform', 'low': -1.0, 'high': 1.0}, 'num_classes': 10,
          'image_shape': [28, 28, 1], 'output_range': [0.0, 1.0],
          'signatures': generator_spec.signatures(conditional)}


def test_written_spec_reads_back(tmp_path):
  path = generator_spec.write(str(tmp_path), _spec())
  assert path == str(tmp_path / generator_spec.SPEC_FILE)
  assert generator_spec.read(str(tmp_path)) == _spec()


def test_signatures_name_the_tensors_of_each_kind_of_generator():
  assert generator_spec.signatures(True)['serving_default'] == {
      'inputs': ['noise', 'label'], 'outputs': ['images']}
  assert generator_spec.signatures(False)['serving_default']['inputs'] == ['noise']
  assert generator_spec.signatures(False)['generate']['inputs'] == ['seed', 'labels']


def test_missing_file_is_named(tmp_path):
  with pytest.raises(ValueError, match=f'{tmp_path}/generator_spec.json is missing'):
    generator_spec.read(str(tmp_path))


@pytest.mark.parametrize('field,value,message', [
    ('noise_dim', 0, '"noise_dim" must be a positive integer'),
    ('conditional', 'yes', '"conditional" must be true or false'),
    ('noise', {'distribution': 'cauchy'}, '"noise.distribution" must be one of'),
    ('image_shape', [32, 32, 3], '"image_shape" must be [28, 28, 1]'),
])
def test_bad_field_is_named_with_the_file(tmp_path, field, value, message):
  (tmp_path / 'generator_spec.json').write_text(json.dumps(dict(_spec(), **{field: value})))
  with pytest.raises(ValueError) as error:
    generator_spec.read(str(tmp_path))
  assert str(tmp_path / 'generator_spec.json') in str(error.value)
  assert message in str(error.value)


def test_not_an_object_or_not_json_is_an_error_naming_the_file(tmp_path):
  (tmp_path / 'generator_spec.json').write_text('[1, 2]')
  with pytest.raises(ValueError, match='must hold a JSON object'):
    generator_spec.read(str(tmp_path))
  (tmp_path / 'generator_spec.json').write_text('{not json')
  with pytest.raises(ValueError, match='Unreadable generator spec .*generator_spec.json'):
    generator_spec.read(str(tmp_path))


def test_invalid_spec_is_never_written(tmp_path):
  with pytest.raises(ValueError, match='"num_classes" must be an integer'):
    generator_spec.write(str(tmp_path), dict(_spec(), num_classes=None))
  assert not (tmp_path / 'generator_spec.json').exists()
