"""Free-text run knobs (the author and license a release's TFLite metadata states): which
text is allowed, and why.

The text travels from the environment through `make schedule`'s cron line into every
shipped .tflite file, so it must survive each hop unchanged:
- `%` is refused: crontab turns it into a line break (docs/operating.md, cron);
- `$` is refused: make expands it when it writes the cron line, so cron would see other
  text than `make run` did;
- line breaks, tabs and other non-printable characters are refused: the cron line is one
  line;
- runs of spaces become one space, and the ends are stripped: make's line writing collapses
  them too, so both paths give the metadata the same text;
- a blank value is refused (empty means unset, the default), and so is one over
  MAX_CHARS: a metadata field states a name or a license id, not the license's full text.
Quotes, `&`, `;`, backticks and non-ASCII letters are fine: the cron line single-quotes
every knob (Makefile, CRON_KNOBS).
"""
MAX_CHARS = 200
REFUSED = '%$'
ALLOWED = (f'printable text of 1 to {MAX_CHARS} characters (runs of spaces count as one), '
           f'without {", ".join(repr(c) for c in REFUSED)} or line breaks (the cron line '
           'would not keep them)')


def free_text(value: str) -> str:
  """`value` with its spaces normalised, or ValueError saying what is wrong with it."""
  # Spaces only: a tab or line break stays in the text, to be refused below by name.
  text = ' '.join(part for part in value.split(' ') if part)
  if not text:
    raise ValueError('blank text')
  refused = sorted({c for c in text if c in REFUSED or not c.isprintable()})
  if refused:
    raise ValueError(f'holds {", ".join(repr(c) for c in refused)}')
  if len(text) > MAX_CHARS:
    raise ValueError(f'{len(text)} characters, over {MAX_CHARS}')
  return text
