"""Word tables from slots.yaml, matched against a message's words (any script, typos, Latin)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from intents.normalise import normalise, transliterate

V = TypeVar("V")

MAX_PHRASE_WORDS = 4
MIN_FUZZY_LENGTH = 5
"""Shorter words must match exactly: "na", "ne", "da" differ by one letter from other words."""
FUZZY_SCORE = 84.0
_ATTACHED_AND = "\u0648"  # و


def words_of(text: str) -> tuple[str, ...]:
    """The message's words in matching form (case, accents and letter variants folded)."""
    return tuple(normalise(text).split())


def _latin(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(transliterate(w) or w for w in words)


@dataclass(frozen=True, slots=True)
class Found(Generic[V]):
    """A table entry found at words ``start`` to ``end`` (exclusive)."""

    start: int
    end: int
    value: V


class WordTable(Generic[V]):
    """Phrases (one or more words) with a value each; finds them in a message's words.

    A phrase matches as written after folding, or by its Latin letters (so "vchora" finds
    "вчора"); a single long word also matches with a typo ("donnerstg").
    """

    def __init__(self, entries: Iterable[tuple[str, V]], *, prefixes: bool = False) -> None:
        self._prefixes = prefixes
        """Also match a word that begins with a long entry ("suriyeliyim" for "suriyeli")."""
        self._exact: dict[tuple[str, ...], V] = {}
        self._latin: dict[tuple[str, ...], V] = {}
        self._long: list[tuple[str, V]] = []
        for phrase, value in entries:
            words = words_of(phrase)
            if not words:
                continue
            self._exact.setdefault(words, value)
            self._latin.setdefault(_latin(words), value)
            if len(words) == 1 and len(words[0]) >= MIN_FUZZY_LENGTH:
                self._long.append((words[0], value))
                latin = _latin(words)[0]
                if latin != words[0] and len(latin) >= MIN_FUZZY_LENGTH:
                    self._long.append((latin, value))

    def __bool__(self) -> bool:
        return bool(self._exact)

    def at(self, words: Sequence[str], start: int, *, fuzzy: bool = True) -> Found[V] | None:
        """The longest phrase that begins at ``words[start]``."""
        for n in range(min(MAX_PHRASE_WORDS, len(words) - start), 0, -1):
            chunk = tuple(words[start : start + n])
            value = self._exact.get(chunk)
            if value is None and all(w.isascii() for w in chunk):
                value = self._latin.get(chunk)
            if value is not None:
                return Found(start, start + n, value)
        word = words[start]
        if word.startswith(_ATTACHED_AND) and len(word) > 2:
            # Arabic, Persian, Pashto: "and" is written onto the next word ("ووين" = "and where").
            rest = [word[1:], *words[start + 1 :]]
            hit = self.at(rest, 0, fuzzy=fuzzy)
            if hit is not None:
                return Found(start, start + hit.end, hit.value)
        if fuzzy and len(words[start]) >= MIN_FUZZY_LENGTH and not words[start].isdigit():
            value = self._closest(words[start])
            if value is not None:
                return Found(start, start + 1, value)
        return None

    def find_all(self, words: Sequence[str], *, fuzzy: bool = True) -> list[Found[V]]:
        """Every phrase in ``words``, left to right, not overlapping."""
        found: list[Found[V]] = []
        i = 0
        while i < len(words):
            hit = self.at(words, i, fuzzy=fuzzy)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i = hit.end
        return found

    def first(self, words: Sequence[str], *, fuzzy: bool = True) -> Found[V] | None:
        hits = self.find_all(words, fuzzy=fuzzy)
        return hits[0] if hits else None

    def _closest(self, word: str) -> V | None:
        best: tuple[float, V] | None = None
        if self._prefixes:
            heads = [(c, v) for c, v in self._long if word.startswith(c)]
            if heads:
                return max(heads, key=lambda pair: len(pair[0]))[1]
        for candidate, value in self._long:
            if abs(len(candidate) - len(word)) > 2:
                continue
            score = fuzz.ratio(word, candidate)
            if score >= FUZZY_SCORE and (best is None or score > best[0]):
                best = (score, value)
        return best[1] if best else None
