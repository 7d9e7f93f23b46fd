"""Which writing system a message uses, and the letters that single out one language."""

from __future__ import annotations

import enum
import re
from collections import Counter


class Script(enum.Enum):
    """The writing systems our languages use (``OTHER`` for the rest, ``NONE`` for no letters)."""

    LATIN = "latin"
    CYRILLIC = "cyrillic"
    ARABIC = "arabic"
    ETHIOPIC = "ethiopic"
    OTHER = "other"
    NONE = "none"


def script_of(char: str) -> Script:
    """Return the script of one character (``NONE`` for digits, punctuation, emoji)."""
    if not char.isalpha():
        return Script.NONE
    code = ord(char)
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return Script.LATIN
    if 0x0400 <= code <= 0x052F:
        return Script.CYRILLIC
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return Script.ARABIC
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF or 0xAB00 <= code <= 0xAB2F:
        return Script.ETHIOPIC
    return Script.OTHER


def dominant_script(text: str) -> Script:
    """Return the script most letters of ``text`` are written in."""
    counts = Counter(script_of(char) for char in text)
    counts.pop(Script.NONE, None)
    if not counts:
        return Script.NONE
    return counts.most_common(1)[0][0]


def message_script(text: str) -> Script:
    """Return the script that tells the language of a message.

    German office words are typed in Latin letters inside Arabic, Cyrillic or Ge'ez messages
    ("Integrationskurs ብነጻ ድዩ?"), so a few non-Latin letters outweigh many Latin ones.
    """
    counts = Counter(script_of(char) for char in text)
    counts.pop(Script.NONE, None)
    if not counts:
        return Script.NONE
    if counts[Script.ETHIOPIC]:
        return Script.ETHIOPIC
    native = [(count, script) for script, count in counts.items() if script is not Script.LATIN]
    if native:
        count, script = max(native, key=lambda pair: pair[0])
        if count >= min(3, counts[Script.LATIN]) or count * 4 >= counts[Script.LATIN]:
            return script
    return Script.LATIN


# Languages each script can carry (Latin includes the romanised ones, checked by words).
SCRIPT_LANGUAGES: dict[Script, tuple[str, ...]] = {
    Script.LATIN: ("de", "en", "tr", "ro", "pl", "ku", "so", "sq", "fr"),
    Script.CYRILLIC: ("uk", "ru", "bg"),
    Script.ARABIC: ("ar", "fa", "ps"),
    Script.ETHIOPIC: ("ti",),
}

ROMANISED_LANGUAGES: tuple[str, ...] = ("ar", "fa", "ps", "ru", "uk", "bg")

# Letters that only one of the languages sharing a script uses. The weight is a log-odds bonus.
PASHTO_LETTERS = frozenset("ټډړښږځڅېۍڼګ")
ARABIC_ONLY_LETTERS = frozenset("ةيكى")
PERSIAN_LETTERS = frozenset("پچژگ")
UKRAINIAN_LETTERS = frozenset("іїєґ")
RUSSIAN_LETTERS = frozenset("ыэё")


# Arabic chat alphabet: digits for letters Latin lacks (3 ain, 7 hah, 2 hamza, 5 khah, 9 qaf).
_ARABIZI = re.compile(r"[a-z][2357-9]|[2357-9][a-z]")


def letter_evidence(text: str) -> dict[str, float]:
    """Return log-odds bonuses per language from letters that single out a language."""
    letters = frozenset(text)
    bonus: dict[str, float] = {}
    if _ARABIZI.search(text):
        bonus["ar"] = 4.0
    if letters & PASHTO_LETTERS:
        bonus["ps"] = 6.0
    if letters & ARABIC_ONLY_LETTERS and not letters & PERSIAN_LETTERS:
        bonus["ar"] = bonus.get("ar", 0.0) + 2.0
    if letters & PERSIAN_LETTERS:
        bonus["ar"] = bonus.get("ar", 0.0) - 3.0
    if letters & UKRAINIAN_LETTERS:
        bonus["uk"] = 6.0
    if letters & RUSSIAN_LETTERS:
        bonus["ru"] = 5.0
        bonus["bg"] = -5.0
    if "ъ" in letters and not letters & RUSSIAN_LETTERS:
        bonus["bg"] = bonus.get("bg", 0.0) + 1.5
    return bonus
