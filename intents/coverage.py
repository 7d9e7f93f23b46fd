"""Content coverage: how much of a message's content its closest examples of an intent explain.

A match carried by the frame of a question ("which ... are there", "what documents ... for")
or by a word that many subjects share (documents, register, Germany, course) leaves the
message's own subject unexplained: "Welche Geburtskliniken gibt es?" meets "welche themen gibt
es" on every word but the one that matters. Coverage weighs each word of the message by how
rare it is among the examples (a word no example uses weighs the most) and returns the share
of that weight found in the given examples, so a low value means "the subject is elsewhere".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from intents.calendar import MONTH_NAMES
from intents.lexical import ExampleForms, QueryForms
from intents.normalise import normalise, transliterate

# Words meet on their first letters, as in the lexical layer ("kreş", "kreşe").
_STEM = 5
_SHORTEST = 3


# A date is not a subject: month names and words with digits ("11", "3.12.") are left out.
_DATE_WORDS = frozenset(
    word for names in MONTH_NAMES for name in names for word in normalise(name).split()
)


def _is_date(word: str) -> bool:
    return word in _DATE_WORDS or any(ch.isdigit() for ch in word)


def _stems(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(
        word[:_STEM] for text in texts for word in text.split() if len(word) >= _SHORTEST
    )


class ContentCoverage:
    """Idf-weighted share of a message's word stems that given examples contain."""

    __slots__ = ("_example_stems", "_unseen", "_weights")

    def __init__(self, examples: ExampleForms) -> None:
        self._example_stems = tuple(
            _stems(forms) for forms in zip(examples.normalised, examples.latin, strict=True)
        )
        frequency: dict[str, int] = {}
        for stems in self._example_stems:
            for stem in stems:
                frequency[stem] = frequency.get(stem, 0) + 1
        size = max(len(self._example_stems), 1)
        self._weights = {stem: math.log(size / count) for stem, count in frequency.items()}
        # A word no example uses is the rarest of all: most likely the message's subject.
        self._unseen = math.log(size)

    def coverage(self, forms: QueryForms, rows: npt.NDArray[np.intp]) -> float:
        """Share (0..1) of the message's stem weight that the examples ``rows`` contain.

        A message without any word of three letters or more is fully covered.
        """
        words = dict.fromkeys(
            w for w in forms.normalised.split() if len(w) >= _SHORTEST and not _is_date(w)
        )
        if not words:
            return 1.0
        explained: set[str] = set()
        for row in rows:
            explained |= self._example_stems[int(row)]
        total = found = 0.0
        for word in words:
            # A word is read in its own script and in Latin letters, as the examples are.
            variants = {word[:_STEM], transliterate(word)[:_STEM]}
            weight = min((self._weights[v] for v in variants if v in self._weights), default=None)
            total += self._unseen if weight is None else weight
            if any(variant in explained for variant in variants):
                found += self._unseen if weight is None else weight
        return found / total if total > 0.0 else 1.0
