"""A small per-language word model: which languages use a word, from examples and word lists."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from intents.catalogue import Catalogue
from intents.lexicon import FUNCTION_WORDS, ROMANISED_WORDS
from intents.normalise import normalise, transliterate

_SMOOTHING = 0.05
_CYRILLIC = frozenset(("ru", "uk", "bg"))


class LanguageVocabulary:
    """Word -> languages that use it, in native script and (for some) in Latin letters."""

    __slots__ = ("_languages", "_words")

    def __init__(self, languages: Sequence[str], words: Mapping[str, frozenset[str]]) -> None:
        self._languages = tuple(languages)
        self._words = dict(words)

    @classmethod
    def build(cls, catalogue: Catalogue | None, languages: Sequence[str]) -> LanguageVocabulary:
        """Build from the catalogue's examples (if any) and the built-in word lists."""
        words: defaultdict[str, set[str]] = defaultdict(set)

        def add(lang: str, texts: Iterable[str]) -> None:
            for text in texts:
                for word in normalise(text).split():
                    if not word.isdigit():
                        words[word].add(lang)

        for lang, function_words in FUNCTION_WORDS.items():
            add(lang, function_words)
        for lang, romanised in ROMANISED_WORDS.items():
            add(lang, romanised)
        if catalogue is not None:
            for example in catalogue.examples:
                add(example.lang, (example.text,))
                if example.lang in _CYRILLIC:
                    # Cyrillic transliterates well; Arabic script loses its vowels.
                    add(example.lang, (transliterate(example.text),))
        allowed = frozenset(languages)
        return cls(
            languages,
            {word: frozenset(langs & allowed) for word, langs in words.items() if langs & allowed},
        )

    def log_scores(self, words: Sequence[str]) -> tuple[dict[str, float], int]:
        """Return per-language log evidence of ``words`` and how many words were known."""
        scores = dict.fromkeys(self._languages, 0.0)
        known = 0
        size = len(self._languages)
        for word in words:
            langs = self._words.get(word)
            if not langs:
                continue
            known += 1
            total = len(langs) + _SMOOTHING * size
            for lang in self._languages:
                hit = 1.0 if lang in langs else 0.0
                scores[lang] += math.log((hit + _SMOOTHING) / total)
        return scores, known

    def knows_any(self, words: Sequence[str], lang: str) -> bool:
        """Whether ``lang`` uses any of ``words`` (normalised)."""
        return any(lang in self._words.get(word, frozenset()) for word in words)
