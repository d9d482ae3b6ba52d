"""The release layout and the variant list, without TensorFlow."""
import pytest

from formats import release, tflite_model, variants


def test_variant_paths_follow_the_layout():
  assert release.tflite_file('/s/7', 'int8') == '/s/7/tflite/int8/model.tflite'
  assert release.card_file('/s/7', 'fp16') == '/s/7/tflite/fp16/card.json'
  assert release.saved_model_dir('/s/7') == '/s/7/saved_model'


def test_unknown_variant_is_named():
  with pytest.raises(ValueError, match="'int4' is unknown; known: fp32, fp16, dynamic_int8"):
    release.tflite_file('/s/7', 'int4')


def test_gated_variants_are_all_but_the_reference():
  assert variants.REFERENCE_VARIANT not in variants.GATED_VARIANTS
  assert set(variants.GATED_VARIANTS) | {variants.REFERENCE_VARIANT} == set(
      variants.TFLITE_VARIANTS)


def test_released_card_names_the_file_beside_it():
  exported = {'variant': 'int8', tflite_model.CARD_FILE_FIELD: tflite_model.MODEL_FILE}
  shipped = release.released_card(exported)
  assert shipped == {'variant': 'int8', 'file': 'model.tflite'}
  assert exported['file'] == 'tflite'  # the exporter's card is left as it is


def test_latest_version_and_is_version(tmp_path):
  (tmp_path / '12').mkdir()
  (tmp_path / 'LATEST').write_text('12\n')
  assert release.latest_version(str(tmp_path)) == str(tmp_path / '12')
  assert not release.is_version(str(tmp_path / '12'))
  (tmp_path / '12' / 'manifest.json').write_text('{}')
  assert release.is_version(str(tmp_path / '12'))
