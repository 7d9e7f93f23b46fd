"""Character n-gram similarity: tf-idf cosine of a message to every example, via postings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from intents.catalogue import Catalogue
from intents.lexical import QueryForms
from intents.normalise import normalise, transliterate

Scores = npt.NDArray[np.float32]

# Letter sequences of 2 to 4 inside a word (padded with a space at either end): short enough to
# survive typos and endings ("kitaplatz", "kitu", "kite"), long enough to tell words apart.
_SHORTEST = 2
_LONGEST = 4


def _grams(texts: Iterable[str]) -> Counter[str]:
    """Counts of the n-grams of the words of ``texts`` (a form counted once if repeated)."""
    counts: Counter[str] = Counter()
    for text in dict.fromkeys(texts):
        for word in text.split():
            padded = f" {word} "
            for size in range(_SHORTEST, _LONGEST + 1):
                for start in range(len(padded) - size + 1):
                    counts[padded[start : start + size]] += 1
    return counts


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear tf x idf, L2-normalised, over the n-grams the index knows."""
    weights = {
        gram: (1.0 + math.log(count)) * idf[gram] for gram, count in counts.items() if gram in idf
    }
    norm = math.sqrt(sum(value * value for value in weights.values()))
    return {gram: value / norm for gram, value in weights.items()} if norm else {}


class NgramIndex:
    """Cosine similarity of character n-gram profiles, message against each example.

    A message and an example are each read in their own script and in Latin letters
    (``transliterate``), in one shared space: "gde zapisat rebenka" meets the Latin form of
    Russian examples, and German office words meet each other whatever language surrounds them.
    """

    __slots__ = ("_idf", "_postings", "_size")

    def __init__(self, catalogue: Catalogue) -> None:
        profiles = []
        for example in catalogue.examples:
            normalised = normalise(example.text)
            profiles.append(_grams((normalised, transliterate(normalised))))
        self._size = len(profiles)
        frequency: Counter[str] = Counter()
        for profile in profiles:
            frequency.update(profile.keys())
        self._idf = {
            gram: math.log((self._size + 1) / (count + 1)) + 1.0
            for gram, count in frequency.items()
        }
        rows: dict[str, list[tuple[int, float]]] = {}
        for index, profile in enumerate(profiles):
            for gram, weight in _weights(profile, self._idf).items():
                rows.setdefault(gram, []).append((index, weight))
        self._postings = {
            gram: (
                np.array([index for index, _ in entries], dtype=np.intp),
                np.array([weight for _, weight in entries], dtype=np.float64),
            )
            for gram, entries in rows.items()
        }

    def similarities(self, forms: QueryForms) -> Scores:
        """Return, per example, the 0..1 cosine of the message's n-gram profile to it."""
        query = _weights(_grams((forms.normalised, forms.latin)), self._idf)
        if not query or self._size == 0:
            return np.zeros(self._size, dtype=np.float32)
        indices = []
        weights = []
        for gram, weight in query.items():
            examples, values = self._postings[gram]
            indices.append(examples)
            weights.append(values * weight)
        summed = np.bincount(
            np.concatenate(indices), weights=np.concatenate(weights), minlength=self._size
        )
        return np.minimum(summed, 1.0).astype(np.float32)
