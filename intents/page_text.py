"""Words of page text for BM25: lower case, no stop words, Snowball stems where there are any."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import Stemmer
from bm25s import stopwords as bm25_stopwords

_WORD = re.compile(r"\w\w+", re.UNICODE)

_STEMMERS = {
    "de": "german", "en": "english", "fr": "french", "ar": "arabic", "ru": "russian",
    "tr": "turkish", "ro": "romanian", "pl": "polish", "fa": "persian",
}  # fmt: skip
_STOPWORDS: dict[str, tuple[str, ...]] = {
    "de": tuple(bm25_stopwords.STOPWORDS_GERMAN),
    "en": tuple(bm25_stopwords.STOPWORDS_EN),
    "fr": tuple(bm25_stopwords.STOPWORDS_FRENCH),
    "ru": tuple(bm25_stopwords.STOPWORDS_RUSSIAN),
    "tr": tuple(bm25_stopwords.STOPWORDS_TURKISH),
}


@cache
def _stemmer(lang: str) -> Callable[[str], str] | None:
    algorithm = _STEMMERS.get(lang)
    if algorithm is None:
        return None
    stemmer = Stemmer.Stemmer(algorithm)
    stem: Callable[[str], str] = stemmer.stemWord
    return stem


@cache
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(_STOPWORDS.get(lang, ()))


# Without a stemmer, a word's first letters stand for it (Ukrainian "довідки", "довідку").
PREFIX = {"uk": 6, "bg": 6, "sq": 6, "ku": 6, "so": 6}


def words(text: str, lang: str) -> list[str]:
    """The searchable words of ``text`` in ``lang`` (stemmed where PyStemmer knows ``lang``)."""
    stop = _stopwords(lang)
    stem = _stemmer(lang)
    found = [w for w in _WORD.findall(text.casefold()) if w not in stop]
    if stem is not None:
        return [stem(w) for w in found]
    prefix = PREFIX.get(lang)
    return [w[:prefix] for w in found] if prefix else found
