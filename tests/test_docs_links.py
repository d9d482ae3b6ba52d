"""Every relative link in README.md and docs/*.md resolves: the file exists, the #anchor is
a heading of it (GitHub's slugs).

The README is the front door and the docs pages link into each other by heading; a page
renamed or a heading reworded would otherwise leave a dead link that no one notices until a
reader follows it. Plain text parsing, no TensorFlow: this test takes well under a second.

Checked: inline links and images `[text](target)` / `![alt](target)` outside fenced code
blocks and inline code. Not checked: absolute URLs (`http:`, `https:`, `mailto:`), which
would need the network.
"""
import collections
import os
import re
import unicodedata
from typing import Dict, Iterator, List, Set, Tuple

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_FENCE = re.compile(r'^\s*(```|~~~)')
_INLINE_CODE = re.compile(r'(`+)(?:(?!\1).)+?\1')
# [text](target) or ![alt](target), target without spaces, optional "title".
_LINK = re.compile(r'!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
_HEADING = re.compile(r'^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$')
_EXTERNAL = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:')  # http:, https:, mailto:, ...


def markdown_files() -> List[str]:
  docs = os.path.join(REPO, 'docs')
  pages = sorted(os.path.join(docs, name) for name in os.listdir(docs) if name.endswith('.md'))
  return [os.path.join(REPO, 'README.md')] + pages


def _prose_lines(text: str) -> Iterator[Tuple[int, str, str]]:
  """(line number, line, line with inline code spans blanked) outside fenced code blocks.
  Headings are read from the line itself (code in a heading is part of its anchor), links
  from the blanked one (a `[x](y)` inside code is not a link)."""
  fenced = False
  for number, line in enumerate(text.splitlines(), start=1):
    if _FENCE.match(line):
      fenced = not fenced
      continue
    if not fenced:
      yield number, line, _INLINE_CODE.sub('', line)


def slug(heading: str) -> str:
  """GitHub's anchor for a heading: markup dropped, lower case, punctuation removed except
  `-` and `_`, spaces to `-` (github-slugger)."""
  text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', heading)  # links keep their text
  text = text.replace('`', '').lower()
  kept = ''.join(ch for ch in text
                 if ch in ' -_' or unicodedata.category(ch)[0] in ('L', 'M', 'N'))
  return kept.replace(' ', '-')


def anchors(path: str) -> Set[str]:
  """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeats."""
  with open(path, encoding='utf-8') as f:
    text = f.read()
  seen: Dict[str, int] = collections.Counter()
  result = set()
  for _, line, _ in _prose_lines(text):
    match = _HEADING.match(line)
    if not match:
      continue
    base = slug(match.group(2))
    result.add(f'{base}-{seen[base]}' if seen[base] else base)
    seen[base] += 1
  return result


def broken_links(path: str) -> List[str]:
  """'file:line: target (why)' for each relative link of `path` that does not resolve."""
  with open(path, encoding='utf-8') as f:
    text = f.read()
  problems = []
  rel = os.path.relpath(path, REPO)
  for number, _, prose in _prose_lines(text):
    for target in _LINK.findall(prose):
      if _EXTERNAL.match(target):
        continue
      file_part, _, anchor = target.partition('#')
      linked = (os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if file_part else path)
      if not os.path.exists(linked):
        problems.append(f'{rel}:{number}: {target} (no file {os.path.relpath(linked, REPO)})')
      elif anchor and not linked.endswith('.md'):
        problems.append(f'{rel}:{number}: {target} (anchor into a non-Markdown file)')
      elif anchor and anchor not in anchors(linked):
        problems.append(f'{rel}:{number}: {target} '
                        f'(no heading #{anchor} in {os.path.relpath(linked, REPO)})')
  return problems


@pytest.mark.parametrize('path', markdown_files(), ids=lambda p: os.path.relpath(p, REPO))
def test_every_relative_link_resolves(path):
  problems = broken_links(path)
  assert not problems, 'Broken links:\n' + '\n'.join(problems)


def test_slugs_follow_github():
  assert slug('Serving layout and `python -m models generate`') == (
      'serving-layout-and-python--m-models-generate')
  assert slug('Baseline and warm-start base: the last pushed release') == (
      'baseline-and-warm-start-base-the-last-pushed-release')
  assert slug('On a schedule, on this machine (cron)') == 'on-a-schedule-on-this-machine-cron'
  assert slug('Changing PRESET between runs') == 'changing-preset-between-runs'
  assert slug('Size, latency and parity (benchmark)') == 'size-latency-and-parity-benchmark'
  assert slug('Choosing `default` (measured)') == 'choosing-default-measured'


def test_a_broken_link_is_reported(tmp_path):
  """The checker itself: a missing file and a missing heading are both named."""
  page = tmp_path / 'page.md'
  (tmp_path / 'other.md').write_text('# Other\n\n## A heading\n')
  page.write_text('# Page and `code`\n\n[ok](other.md#a-heading) [self](#page-and-code)\n'
                  '[gone](missing.md) [bad anchor](other.md#nope)\n'
                  '```\n[in code](ignored.md)\n```\n`[inline](ignored.md)`\n'
                  '[web](https://example.com/x.md)\n')
  problems = broken_links(str(page))
  assert len(problems) == 2, problems
  assert 'missing.md' in problems[0] and 'no file' in problems[0]
  assert 'other.md#nope' in problems[1] and 'no heading #nope' in problems[1]
