"""Page search: BM25 over titles and passages fused with sentence-vector similarity, per city."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from intents.page_centroids import LanguageCentroids
from intents.page_text import words
from intents.page_vectors import VersionVectors, page_vectors
from intents.pages import Page, PageVersion, passages
from intents.semantic import SentenceEncoder, Vectors

# bm25s sets its own logger to DEBUG on import, which would print a line per index built.
logging.getLogger("bm25s").setLevel(logging.WARNING)

FALLBACK_LANG = "de"
"""The language every page has; searched when a page lacks the user's language."""

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchWeights:
    """How the signals are fused; tuned by cross-validation on training questions only
    (intents/TUNING.md, "Page search")."""

    bm25_page: float = 0.3  # BM25 of the whole page (title twice), scaled by the best page
    bm25_passage: float = 0.1  # BM25 of the best passage, scaled by the best page's
    title: float = 0.5  # query-title cosine
    passage: float = 0.0  # cosine of the best passage
    passage_pool: float = 1.0  # the passages' cosines pooled (a soft maximum)
    pool_temperature: float = 0.05  # softness of that pooling
    title_repeat: int = 2  # the title's weight inside the page's BM25 text


@dataclass(frozen=True, slots=True, kw_only=True)
class PageHit:
    """A page found for a question, with its fused score and best passage."""

    page: Page
    version: PageVersion
    score: float
    best_passage: int
    """The index (in :func:`intents.pages.passages`) of the passage that matched best."""
    dense: float
    """Cosine of the best passage (or title) with the question, for the answer decision."""
    asked_lang: str

    @property
    def fallback(self) -> bool:
        """True when the page is shown in German because it lacks the user's language."""
        return self.version.lang != self.asked_lang


@dataclass(slots=True)
class _Group:
    """The page versions of one city in one language, with their BM25 indexes."""

    lang: str
    entries: list[int]  # indexes into PageIndex._items
    page_bm25: bm25s.BM25 | None
    passage_bm25: bm25s.BM25 | None
    passage_owner: npt.NDArray[np.int64]  # per passage: the position of its entry in `entries`
    passage_rank: npt.NDArray[np.int64]  # per passage: its index within its version


class PageIndex:
    """Every page of every city, searchable one city at a time. Pure and synchronous."""

    def __init__(
        self,
        pages: Sequence[Page],
        *,
        encoder: SentenceEncoder | None,
        cache_dir: Path | None,
        weights: SearchWeights | None = None,
        centroids: LanguageCentroids | None = None,
    ) -> None:
        self.weights = weights or SearchWeights()
        self.encoder = encoder
        self.pages = tuple(pages)
        self._items: list[tuple[Page, PageVersion]] = [
            (page, version) for page in self.pages for version in page.versions
        ]
        if centroids is None:
            model = str(getattr(encoder, "name", type(encoder).__qualname__))
            centroids = LanguageCentroids.bundled(model)
        self.centroids = centroids
        self._vectors: list[VersionVectors] | None = (
            [
                self.centroids.passages(vectors, version.lang)
                for vectors, (_, version) in zip(
                    page_vectors(encoder, self._items, cache_dir), self._items, strict=True
                )
            ]
            if encoder is not None
            else None
        )
        self._by_city_lang: dict[tuple[str, str], dict[str, int]] = {}
        for index, (page, version) in enumerate(self._items):
            self._by_city_lang.setdefault((page.city, version.lang), {})[page.page_id] = index
        self._groups: dict[tuple[str, str], _Group] = {
            key: self._group(key[1], sorted(members.values()))
            for key, members in self._by_city_lang.items()
        }
        self._position = {
            index: position
            for group in self._groups.values()
            for position, index in enumerate(group.entries)
        }

    def __len__(self) -> int:
        return len(self._items)

    def cities(self) -> frozenset[str]:
        return frozenset(page.city for page in self.pages)

    def _group(self, lang: str, entries: list[int]) -> _Group:
        repeat = self.weights.title_repeat
        page_docs = []
        passage_docs = []
        owners = []
        ranks = []
        for position, index in enumerate(entries):
            _, version = self._items[index]
            title = words(version.title, lang)
            page_docs.append(title * repeat + words(" ".join(version.lines), lang))
            for rank, passage in enumerate(passages(version)):
                passage_docs.append(title + words(passage.text, lang))
                owners.append(position)
                ranks.append(rank)
        return _Group(
            lang=lang,
            entries=entries,
            page_bm25=_bm25(page_docs),
            passage_bm25=_bm25(passage_docs),
            passage_owner=np.asarray(owners, dtype=np.int64),
            passage_rank=np.asarray(ranks, dtype=np.int64),
        )

    def query_vector(self, question: str) -> Vectors | None:
        if self.encoder is None:
            return None
        return np.asarray(self.encoder.encode_queries((question,))[0], dtype=np.float32)

    def search(
        self,
        question: str,
        *,
        city: str,
        lang: str,
        limit: int = 10,
        query_vector: Vectors | None = None,
    ) -> tuple[PageHit, ...]:
        """The best pages of ``city`` for ``question``: each page in ``lang`` where it has that
        version, else in German; best first."""
        if query_vector is None:
            query_vector = self.query_vector(question)
        signals = self.signals(question, city=city, lang=lang, query_vector=query_vector)
        if not signals:
            return ()
        totals = fuse(signals, self.weights)
        entries = np.concatenate([s.entries for s in signals])
        best = np.concatenate([s.best_passage for s in signals])
        dense = np.concatenate([np.maximum(s.passage, s.title) for s in signals])
        order = np.argsort(-totals, kind="stable")[:limit]
        hits = []
        for position in order:
            page, version = self._items[int(entries[position])]
            hits.append(
                PageHit(
                    page=page,
                    version=version,
                    score=float(totals[position]),
                    best_passage=int(best[position]),
                    dense=float(dense[position]),
                    asked_lang=lang,
                )
            )
        return tuple(hits)

    def signals(
        self, question: str, *, city: str, lang: str, query_vector: Vectors | None
    ) -> list[Signals]:
        """The raw signals of every page of ``city`` searched for ``lang`` (for tuning)."""
        chosen = self._chosen(city, lang)
        return [
            self._signals(self._groups[(city, group_lang)], question, query_vector, wanted, lang)
            for group_lang, wanted in chosen.items()
        ]

    def _chosen(self, city: str, lang: str) -> dict[str, set[int]]:
        """Per language, the versions searched: the user's language where a page has it, else
        German."""
        own = self._by_city_lang.get((city, lang), {})
        german = self._by_city_lang.get((city, FALLBACK_LANG), {}) if lang != FALLBACK_LANG else {}
        chosen: dict[str, set[int]] = {}
        for page_id, index in german.items():
            if page_id not in own:
                chosen.setdefault(FALLBACK_LANG, set()).add(index)
        if own:
            chosen[lang] = set(own.values())
        return chosen

    def _signals(
        self,
        group: _Group,
        question: str,
        query_vector: Vectors | None,
        wanted: set[int],
        lang: str,
    ) -> Signals:
        size = len(group.entries)
        tokens = words(question, group.lang)
        page_lex = _scores(group.page_bm25, tokens, size)
        passage_scores = _scores(group.passage_bm25, tokens, len(group.passage_owner))
        passage_lex = np.zeros(size, dtype=np.float32)
        best_rank = np.zeros(size, dtype=np.int64)
        if len(passage_scores):
            np.maximum.at(passage_lex, group.passage_owner, passage_scores)
            best_rank = _argmax_per_owner(passage_scores, group, size)
        title_sim = np.zeros(size, dtype=np.float32)
        first = np.zeros(size, dtype=np.float32)
        pooled = np.zeros(size, dtype=np.float32)
        if query_vector is not None:
            query_vector = self.centroids.query(query_vector, lang)
        dense = query_vector is not None and self._vectors is not None
        if query_vector is not None and self._vectors is not None:
            for position, index in enumerate(group.entries):
                vectors = self._vectors[index]
                title_sim[position] = float(vectors.title @ query_vector)
                if len(vectors.passages):
                    sims = vectors.passages @ query_vector
                    top = int(np.argmax(sims))
                    first[position] = sims[top]
                    best_rank[position] = top
                    pooled[position] = _pooled(sims, self.weights.pool_temperature)
                else:
                    first[position] = pooled[position] = title_sim[position]
        keep = np.asarray([i in wanted for i in group.entries], dtype=bool)
        return Signals(
            entries=np.asarray(group.entries, dtype=np.int64)[keep],
            page_lex=page_lex[keep],
            passage_lex=passage_lex[keep],
            title=title_sim[keep],
            passage=first[keep],
            passage_pool=pooled[keep],
            best_passage=best_rank[keep],
            dense=dense,
            same_language=group.lang == lang,
        )


@dataclass(frozen=True, slots=True)
class Signals:
    """Per page of one search (one language group): the raw scores that are fused."""

    entries: npt.NDArray[np.int64]
    page_lex: Floats
    passage_lex: Floats
    title: Floats
    passage: Floats
    passage_pool: Floats
    best_passage: npt.NDArray[np.int64]
    dense: bool
    same_language: bool = True
    """False for German pages searched with a question in another language: their words
    cannot match, so BM25 there is only noise and is left out."""


def fuse(signals: Sequence[Signals], weights: SearchWeights) -> Floats:
    """The fused score of every page in ``signals`` (in order): BM25 scaled by the best page of
    the search, cosines as they are."""
    lexical = [s for s in signals if s.same_language]
    page_top = max((float(s.page_lex.max()) for s in lexical if len(s.page_lex)), default=0.0)
    passage_top = max(
        (float(s.passage_lex.max()) for s in lexical if len(s.passage_lex)), default=0.0
    )
    parts = []
    for s in signals:
        total = np.zeros(len(s.entries), dtype=np.float32)
        if page_top > 0 and s.same_language:
            total += weights.bm25_page * s.page_lex / page_top
        if passage_top > 0 and s.same_language:
            total += weights.bm25_passage * s.passage_lex / passage_top
        if s.dense:
            total += (
                weights.title * s.title
                + weights.passage * s.passage
                + weights.passage_pool * s.passage_pool
            )
        parts.append(total)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def _bm25(docs: list[list[str]]) -> bm25s.BM25 | None:
    if not docs or not any(docs):
        return None
    index = bm25s.BM25()
    index.index([doc or ["\u2205"] for doc in docs], show_progress=False)
    return index


def _scores(index: bm25s.BM25 | None, tokens: list[str], size: int) -> Floats:
    if index is None:
        return np.zeros(size, dtype=np.float32)
    known = [t for t in tokens if t in index.vocab_dict]
    if not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(index.get_scores(known), dtype=np.float32)


def _pooled(sims: Floats, temperature: float) -> float:
    """A soft maximum: close to the best cosine, raised a little by other close passages."""
    if temperature <= 0:
        return float(sims.max())
    top = float(sims.max())
    return top + temperature * float(np.log(np.exp((sims - top) / temperature).sum()))


def _argmax_per_owner(scores: Floats, group: _Group, size: int) -> npt.NDArray[np.int64]:
    best = np.full(size, -np.inf, dtype=np.float64)
    ranks = np.zeros(size, dtype=np.int64)
    for score, owner, rank in zip(scores, group.passage_owner, group.passage_rank, strict=True):
        if score > best[owner]:
            best[owner] = score
            ranks[owner] = rank
    return ranks
