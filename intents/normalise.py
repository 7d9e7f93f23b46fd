"""Normalise text for matching: Unicode forms, case, diacritics, Arabic letters, Latin forms."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Zero-width characters, bidi controls and the BOM: invisible, but they break comparisons.
_INVISIBLE = dict.fromkeys(
    (
        *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0x00AD,  # soft hyphen
        0x061C,  # Arabic letter mark
        0xFEFF,  # byte order mark
        0x0640,  # tatweel (kashida), purely typographic
    )
)

# Arabic and Persian spell the same sounds with different code points (users mix keyboards);
# a few Latin letters carry marks that Unicode does not decompose.
_LETTER_VARIANTS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u06c0": "\u0647",  # ۀ heh with yeh -> ه
        "\u06d5": "\u0647",  # ە ae -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ alef wasla -> ا
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u06cc",  # ئ -> ی
        "\u06ab": "\u06af",  # ګ Pashto gaf -> گ (Pashto users often type the Persian one)
        # Latin letters whose marks are not combining characters
        "ı": "i",  # Turkish dotless i
        "ł": "l",
        "đ": "d",
        "ø": "o",
    }
)

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended (Persian) digits
    }
)

_SPACES = re.compile(r"\s+")

# Apostrophes as keyboards type them (Ukrainian uses ' ʼ ’ inside words: п'ять, бʼє).
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032", "'"))
# French and Albanian elision ("d'urgence", "l'ambulance", "s'marr"), and Turkish suffixes after
# a number ("112'yi"), keep both words; any other apostrophe joins its word ("б'є" is "бє").
_ELISION = re.compile(r"(?<![^\W\d_])([a-z]|qu|jusqu|lorsqu|puisqu|\d+)'(?=[a-z]{2})")


def clean(text: str) -> str:
    """Return ``text`` in NFKC, lower case, without invisible marks, spaces collapsed.

    Keeps letters as written (diacritics, Arabic letter variants), which is what language
    identification needs: ``ی`` against ``ي`` or ``ş`` against ``s`` tell languages apart.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DIGITS)
    return _SPACES.sub(" ", text.lower()).strip()


def _is_separator(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "PSZC" and char != "'"


def normalise(text: str) -> str:
    """Return the matching form of ``text``: folded case, no diacritics, unified letters.

    Punctuation becomes a space; digits stay (``112`` matters). Script is kept: Cyrillic
    stays Cyrillic. Use :func:`transliterate` for a Latin form.
    """
    text = text.translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_APOSTROPHES)
    text = text.casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        " " if _is_separator(char) else char
        for char in decomposed
        if not unicodedata.combining(char)
    )
    kept = unicodedata.normalize("NFC", kept).translate(_LETTER_VARIANTS).translate(_DIGITS)
    kept = _ELISION.sub(r"\1 ", kept).replace("'", "")
    return _SPACES.sub(" ", kept).strip()


def transliterate(text: str) -> str:
    """Return the Latin-letter form of ``text`` (after :func:`normalise`), lower case ASCII."""
    latin = anyascii(normalise(text)).lower()
    latin = "".join(char if char.isalnum() else " " for char in latin)
    return _SPACES.sub(" ", latin).strip()


def skeleton(latin: str) -> str:
    """Return ``latin`` without vowels, doubled letters and ``h``-digraph noise.

    Arabic and Persian script omit short vowels, so ``ayna usajjil`` and the transliteration
    of ``أين أسجل`` (``yn sjl``) only meet once both lose their vowels.
    """
    words = []
    for word in latin.split():
        if word.isdigit():
            words.append(word)
            continue
        consonants = re.sub(r"[aeiouyw]", "", word)
        consonants = re.sub(r"(.)\1+", r"\1", consonants)
        if consonants:
            words.append(consonants)
    return " ".join(words)


def tokens(text: str) -> tuple[str, ...]:
    """Return the words of the normalised ``text``."""
    return tuple(normalise(text).split())
