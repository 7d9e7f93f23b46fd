"""Character n-gram similarity: tf-idf cosine of a message to every example, via postings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from intents.lexical import ExampleForms, QueryForms

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


class NgramIndex:
    """Cosine similarity of character n-gram profiles, message against each example.

    A message and an example are each read in their own script and in Latin letters
    (``transliterate``), in one shared space: "gde zapisat rebenka" meets the Latin form of
    Russian examples, and German office words meet each other whatever language surrounds them.
    """

    __slots__ = ("_examples", "_idf", "_ids", "_size", "_starts", "_weights")

    def __init__(self, examples: ExampleForms) -> None:
        self._size = len(examples.normalised)
        self._ids: dict[str, int] = {}
        # Flat (n-gram, example, count) triples: far smaller than a list per n-gram.
        gram_ids: list[int] = []
        example_ids: list[int] = []
        counts: list[float] = []
        for index, forms in enumerate(zip(examples.normalised, examples.latin, strict=True)):
            for gram, count in _grams(forms).items():
                gram_ids.append(self._ids.setdefault(gram, len(self._ids)))
                example_ids.append(index)
                counts.append(count)
        grams = np.array(gram_ids, dtype=np.intp)
        rows = np.array(example_ids, dtype=np.intp)
        frequency = np.bincount(grams, minlength=len(self._ids))
        self._idf = np.log((self._size + 1) / (frequency + 1.0)) + 1.0
        weights = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self._idf[grams]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=self._size))
        weights /= np.where(norms > 0, norms, 1.0)[rows]
        order = np.argsort(grams, kind="stable")
        self._examples = rows[order]
        self._weights = weights[order]
        self._starts = np.concatenate(([0], np.cumsum(frequency))).astype(np.intp)

    def similarities(self, forms: QueryForms) -> Scores:
        """Return, per example, the 0..1 cosine of the message's n-gram profile to it."""
        known = [
            (self._ids[gram], count)
            for gram, count in _grams((forms.normalised, forms.latin)).items()
            if gram in self._ids
        ]
        if not known or self._size == 0:
            return np.zeros(self._size, dtype=np.float32)
        ids = np.array([gram for gram, _ in known], dtype=np.intp)
        query = 1.0 + np.log(np.array([count for _, count in known], dtype=np.float64))
        query *= self._idf[ids]
        query /= np.sqrt(query @ query)
        starts = self._starts[ids]
        lengths = self._starts[ids + 1] - starts
        # The postings of every known n-gram, gathered in one indexing step.
        skip = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        postings = skip + np.arange(int(lengths.sum()))
        summed = np.bincount(
            self._examples[postings],
            weights=self._weights[postings] * np.repeat(query, lengths),
            minlength=self._size,
        )
        return np.minimum(summed, 1.0).astype(np.float32)
