"""Answering from pages: search the user's city, extract the answering lines, decide how sure.

The same code serves the bot, `lotse qa eval` and `lotse bench`.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from intents.extraction import extract_answer
from intents.page_search import PageHit, PageIndex
from intents.semantic import SentenceEncoder, Vectors

Extractor = Callable[[str, Sequence[str], str, SentenceEncoder | None], tuple[int, ...]]


class PageDecision(enum.Enum):
    ANSWER = "answer"  # a page answers: show its lines, title and link
    ASK = "ask"  # unsure: offer the likeliest page titles
    NONE = "none"  # no page answers


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerThresholds:
    """When a page answers; tuned on the training questions (intents/TUNING.md, "Page search")."""

    margin: float = 0.15  # lead in fused score over the second page needed to answer from it
    # ... and at least this (centred) cosine of its best passage. The lead alone was tuned on
    # 617 pages; with a city's few pages a lead is easy, and small talk and idioms ("I died
    # laughing", a greeting naming the city) reached 0.27 while real questions to the bundled
    # pages reached 0.32 and more.
    answer: float = 0.30
    ask: float = 0.28  # below this cosine, and without that lead, no page is offered
    choices: int = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class PageAnswer:
    decision: PageDecision
    hits: tuple[PageHit, ...]
    lines: tuple[int, ...] = ()
    """For ANSWER: the indexes of the answering lines in ``hits[0].version.lines``."""


class RememberingEncoder:
    """Wraps an encoder and remembers recent vectors, so a page's lines are encoded once and
    the question the search encoded is not encoded again by the extraction."""

    __slots__ = ("_capacity", "_encoder", "_passages", "_queries", "name")

    def __init__(self, encoder: SentenceEncoder, capacity: int = 20_000) -> None:
        self._encoder = encoder
        self._capacity = capacity
        self._queries: OrderedDict[str, Vectors] = OrderedDict()
        self._passages: OrderedDict[str, Vectors] = OrderedDict()
        self.name = str(getattr(encoder, "name", type(encoder).__qualname__))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._queries, self._encoder.encode_queries)

    def forget_queries(self) -> None:
        """Forget the questions' vectors (the bench times each question as new)."""
        self._queries.clear()

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._passages, self._encoder.encode_passages)

    def _encode(
        self,
        texts: Sequence[str],
        memory: OrderedDict[str, Vectors],
        encode: Callable[[Sequence[str]], Vectors],
    ) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in memory))
        if missing:
            for text, vector in zip(missing, encode(missing), strict=True):
                memory[text] = np.asarray(vector, dtype=np.float32)
        rows = []
        for text in texts:
            memory.move_to_end(text)
            rows.append(memory[text])
        while len(memory) > self._capacity:
            memory.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, 1), dtype=np.float32)


class PageAnswerer:
    """Finds the page of the user's city that answers a question, and the lines that do."""

    def __init__(
        self,
        index: PageIndex,
        *,
        thresholds: AnswerThresholds | None = None,
        extractor: Extractor = extract_answer,
    ) -> None:
        self.index = index
        self.thresholds = thresholds or AnswerThresholds()
        self._extract = extractor
        self.encoder: SentenceEncoder | None = (
            RememberingEncoder(index.encoder) if index.encoder is not None else None
        )

    def has_pages(self, city: str) -> bool:
        return city in self.index.cities()

    def answer(self, question: str, *, city: str, lang: str) -> PageAnswer:
        t = self.thresholds
        vector = self.query_vector(question)
        hits = self.index.search(
            question, city=city, lang=lang, limit=t.choices, query_vector=vector
        )
        if not hits:
            return PageAnswer(decision=PageDecision.NONE, hits=())
        best = hits[0]
        if vector is None:
            # Words alone cannot tell an answer from a near miss: offer the titles.
            found = tuple(h for h in hits if h.score > 0)
            decision = PageDecision.ASK if found else PageDecision.NONE
            return PageAnswer(decision=decision, hits=found)
        lead = best.score - hits[1].score if len(hits) > 1 else best.score
        if lead >= t.margin and best.dense >= t.answer:
            lines = self.extract(question, best)
            if lines:
                return PageAnswer(decision=PageDecision.ANSWER, hits=hits, lines=lines)
        if best.dense < t.ask:
            return PageAnswer(decision=PageDecision.NONE, hits=())
        return PageAnswer(decision=PageDecision.ASK, hits=hits)

    def query_vector(self, question: str) -> Vectors | None:
        if self.encoder is None:
            return None
        return np.asarray(self.encoder.encode_queries((question,))[0], dtype=np.float32)

    def search(self, question: str, *, city: str, lang: str, limit: int) -> tuple[PageHit, ...]:
        """The best pages of ``city`` (see :meth:`PageIndex.search`)."""
        vector = self.query_vector(question)
        return self.index.search(question, city=city, lang=lang, limit=limit, query_vector=vector)

    def extract(self, question: str, hit: PageHit) -> tuple[int, ...]:
        """The lines of the hit's page version that answer ``question``."""
        return self.extract_lines(question, hit.version.lines, hit.version.lang)

    def extract_lines(self, question: str, lines: Sequence[str], lang: str) -> tuple[int, ...]:
        """The indexes of ``lines`` that answer ``question`` (empty: none does)."""
        return tuple(self._extract(question, lines, lang, self.encoder))
