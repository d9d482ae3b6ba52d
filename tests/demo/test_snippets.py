"""The Kotlin and Swift snippets of docs/mobile.md call the signature, with the tensor names,
dtypes and shapes, of the cards of a pushed release (so they cannot go stale)."""
import json
import os

import pytest

from formats import release, variants
from tests.demo import snippets

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   'docs', 'mobile.md')
LANGUAGES = {'kotlin': snippets.kotlin, 'swift': snippets.swift}


def _doc():
  with open(DOC) as f:
    return f.read()


def _snippet(markdown, language):
  blocks = snippets.code_blocks(markdown, language)
  assert len(blocks) == 1, f'{DOC}: expected one ```{language} block, found {len(blocks)}'
  return LANGUAGES[language](blocks[0])


# The variants with float images, which the snippets' Bitmap/UIImage code expects.
SNIPPET_VARIANTS = (variants.FP32, variants.FP16, variants.DYNAMIC_INT8, variants.INT8)


def _cards(version_dir):
  cards = {}
  for variant in SNIPPET_VARIANTS:
    with open(release.card_file(version_dir, variant)) as f:
      cards[variant] = snippets.card_io(json.load(f))
  return cards


@pytest.mark.parametrize('language', sorted(LANGUAGES))
def test_snippet_matches_every_float_output_card(pushed_release, language):
  snippet = _snippet(_doc(), language)
  for variant, card in _cards(pushed_release['version_dir']).items():
    assert snippets.mismatches(snippet, card) == [], f'{language} snippet vs {variant} card.json'


@pytest.mark.parametrize('language', sorted(LANGUAGES))
def test_a_renamed_input_in_the_snippet_is_caught(pushed_release, language):
  # The parser must see the names in the code: a snippet calling `digit` instead of
  # `label` differs from the card.
  markdown = _doc().replace('"label"', '"digit"')
  card = _cards(pushed_release['version_dir'])[variants.INT8]
  assert any('inputs' in m for m in snippets.mismatches(_snippet(markdown, language), card))
