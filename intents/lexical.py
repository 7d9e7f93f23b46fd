"""The lexical layer: fuzzy string similarity to the examples and alias words for office terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from intents.catalogue import Catalogue
from intents.normalise import clean, normalise, skeleton, transliterate
from intents.scripts import Script, dominant_script

Scores = npt.NDArray[np.float32]

_MIN_ALIAS_LENGTH = 4
_STEM = 4  # words meet on their first letters, which copes with endings ("kreş", "kreşe")


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryForms:
    """The forms of one message the layers compare: cleaned, normalised, Latin, consonants."""

    cleaned: str
    normalised: str
    latin: str
    consonants: str

    @classmethod
    def of(cls, text: str) -> QueryForms:
        normalised = normalise(text)
        latin = transliterate(normalised)
        return cls(
            cleaned=clean(text), normalised=normalised, latin=latin, consonants=skeleton(latin)
        )

    @property
    def is_latin(self) -> bool:
        return dominant_script(self.normalised) is Script.LATIN


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleForms:
    """The normalised and Latin forms of a catalogue's examples, computed once for all layers."""

    normalised: tuple[str, ...]
    latin: tuple[str, ...]

    @classmethod
    def of(cls, catalogue: Catalogue) -> ExampleForms:
        normalised = tuple(normalise(example.text) for example in catalogue.examples)
        return cls(normalised=normalised, latin=tuple(transliterate(t) for t in normalised))


def _stems(text: str) -> frozenset[str]:
    return frozenset(word[:_STEM] for word in text.split() if len(word) >= 3)


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


class LexicalIndex:
    """Fuzzy similarity of a message to every example, and which intents its words name."""

    __slots__ = (
        "_alias_phrases",
        "_alias_prefixes",
        "_consonants",
        "_exact",
        "_latin",
        "_normalised",
        "_size",
        "_stem_examples",
        "_stem_weight",
    )

    def __init__(self, catalogue: Catalogue, forms: ExampleForms) -> None:
        self._size = len(catalogue.examples)
        normalised, latin = forms.normalised, forms.latin
        self._normalised = tuple(_sorted_words(text) for text in normalised)
        self._latin = tuple(_sorted_words(text) for text in latin)
        # Only scripts that drop short vowels need the consonant skeleton.
        self._consonants = tuple(
            _sorted_words(skeleton(form)) if dominant_script(text) is Script.ARABIC else ""
            for text, form in zip(normalised, latin, strict=True)
        )
        stem_examples: dict[str, set[int]] = {}
        for index, text in enumerate(normalised):
            for stem in _stems(text):
                stem_examples.setdefault(stem, set()).add(index)
        size = max(self._size, 1)
        self._stem_examples = {
            stem: np.array(sorted(indices), dtype=np.intp)
            for stem, indices in stem_examples.items()
        }
        # Rare stems say more: inverse document frequency.
        self._stem_weight = {
            stem: float(np.log(size / len(indices))) for stem, indices in stem_examples.items()
        }
        exact: dict[str, set[int]] = {}
        for index, text in enumerate(normalised):
            exact.setdefault(text, set()).add(index)
        self._exact = {text: tuple(sorted(indices)) for text, indices in exact.items()}
        # Single-word aliases are looked up by the prefixes of the message's words, so the
        # cost grows with the message, not with the number of aliases.
        prefixes: dict[str, dict[str, None]] = {}
        phrases: list[tuple[str, str]] = []
        for alias in catalogue.aliases:
            for form in (alias.term, *alias.variants):
                for variant in {normalise(form), transliterate(form)}:
                    if len(variant) < _MIN_ALIAS_LENGTH:
                        continue
                    if " " in variant:
                        phrases.append((f" {variant} ", alias.intent))
                    else:
                        prefixes.setdefault(variant, {})[alias.intent] = None
        self._alias_prefixes = {word: tuple(found) for word, found in prefixes.items()}
        self._alias_phrases = tuple(phrases)

    def exact(self, forms: QueryForms) -> tuple[int, ...]:
        """Indices of the examples whose normalised text equals the message's."""
        return self._exact.get(forms.normalised, ())

    def similarities(self, forms: QueryForms) -> Scores:
        """Return, per example, a 0..1 similarity (word order ignored) to the message."""
        if self._size == 0:
            return np.zeros(0, dtype=np.float32)
        if forms.is_latin:
            best = self._ratios(_sorted_words(forms.latin), self._latin)
            if forms.consonants:
                consonants = self._ratios(_sorted_words(forms.consonants), self._consonants)
                np.maximum(best, consonants * np.float32(0.9), out=best)
        else:
            best = self._ratios(_sorted_words(forms.normalised), self._normalised)
            if forms.latin:
                np.maximum(best, self._ratios(_sorted_words(forms.latin), self._latin), out=best)
        return best

    @staticmethod
    def _ratios(query: str, choices: Sequence[str]) -> Scores:
        ratios = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.uint8)[0]
        scaled: Scores = ratios.astype(np.float32) / np.float32(100.0)
        return scaled

    def stem_overlap(self, forms: QueryForms) -> Scores:
        """Return, per example, the idf-weighted share of the message's word stems it contains."""
        overlap = np.zeros(self._size, dtype=np.float32)
        stems = _stems(forms.normalised)
        total = sum(self._stem_weight.get(stem, 0.0) for stem in stems)
        if total <= 0.0:
            return overlap
        for stem in stems:
            indices = self._stem_examples.get(stem)
            if indices is not None:
                overlap[indices] += np.float32(self._stem_weight[stem] / total)
        return overlap

    def alias_intents(self, forms: QueryForms) -> tuple[str, ...]:
        """Intents whose alias words occur in the message (as a word or the start of one)."""
        found: dict[str, None] = {}
        for text in dict.fromkeys((forms.normalised, forms.latin)):
            for word in text.split():
                for end in range(_MIN_ALIAS_LENGTH, len(word) + 1):
                    for intent in self._alias_prefixes.get(word[:end], ()):
                        found[intent] = None
            padded = f" {text} "
            for phrase, intent in self._alias_phrases:
                if phrase in padded:
                    found[intent] = None
        return tuple(found)
