"""Clean and bound customer text before any analysis.

Why: the detector must give a score for anything a channel can deliver (empty
strings, control characters, 20,000-character pastes, emoji, other scripts)
without crashing or spending more than a couple of milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0/C1 controls except tab and newline, zero-width and bidi controls, BOM.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanText:
    """Text ready for analysis.

    Attributes:
        text: normalised, bounded text.
        truncated: the original was longer than the bound.
        original_length: length of the original text in characters.
    """

    text: str
    truncated: bool
    original_length: int


def clean_text(raw: object, max_chars: int) -> CleanText:
    """Normalise quotes, drop control characters, collapse spaces, keep a bounded prefix.

    Anything that is not a string (None from a channel, a number) becomes text or "".
    """
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    original_length = len(text)
    # Bound first (with slack for removed characters) so the regexes below stay cheap.
    text = text[: max_chars * 2]
    text = _CONTROL.sub(" ", text).translate(_QUOTES)
    text = _SPACES.sub(" ", text).strip()
    truncated = original_length > max_chars
    if len(text) > max_chars:
        truncated = True
        text = text[:max_chars]
    return CleanText(text=text, truncated=truncated, original_length=original_length)
