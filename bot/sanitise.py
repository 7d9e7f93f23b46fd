"""Cleaning what users type before anything reads it: control characters, bidi marks, markup."""

from __future__ import annotations

import html
import re
import unicodedata

MAX_CHARS = 1000
"""Longer messages are cut here; the user is told so."""

_TAGS = re.compile(r"<[^>\n]{0,200}>")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Printable text, single spaces: controls, format marks (RLM, ZWJ ...) and tags removed."""
    text = html.unescape(_TAGS.sub(" ", text))
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if ch in "\n\r\t" else "")
        else:
            kept.append(ch)
    return _SPACE.sub(" ", "".join(kept)).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)
