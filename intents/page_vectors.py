"""Sentence vectors of page titles and passages, cached by content so a restart encodes nothing."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intents.pages import Page, PageVersion, passages
from intents.semantic import SentenceEncoder, Vectors, passage_vectors

log = logging.getLogger(__name__)

# Page versions of one (city, language) are spread over this many cache files by page id, so an
# edit to one page re-encodes a sixteenth of its city, not all of it.
_BUCKETS = 16


@dataclass(frozen=True, slots=True)
class VersionVectors:
    """The title vector and one vector per passage of one page version."""

    title: Vectors
    passages: Vectors


def version_texts(version: PageVersion) -> list[str]:
    """What is encoded for a version: its title, then its passages (see :func:`passages`)."""
    return [version.title, *(p.text for p in passages(version))]


def page_vectors(
    encoder: SentenceEncoder,
    items: Sequence[tuple[Page, PageVersion]],
    cache_dir: Path | None,
) -> list[VersionVectors]:
    """Vectors for every (page, version) in ``items``, in order, read from the cache where the
    same texts were encoded before."""
    buckets: dict[tuple[str, str, int], list[int]] = {}
    for index, (page, version) in enumerate(items):
        bucket = zlib.crc32(page.page_id.encode()) % _BUCKETS
        buckets.setdefault((page.city, version.lang, bucket), []).append(index)
    texts = [version_texts(version) for _, version in items]
    result: list[VersionVectors | None] = [None] * len(items)
    for key in sorted(buckets):
        # Sorted by page id, so the same pages give the same cache file in any load order.
        members = sorted(buckets[key], key=lambda index: items[index][0].page_id)
        flat = [text for index in members for text in texts[index]]
        # Encoded shortest first: a batch is padded to its longest text, so similar lengths
        # together cost a third less than page order.
        order = sorted(range(len(flat)), key=lambda i: (len(flat[i]), flat[i]))
        ordered = [flat[i] for i in order]
        # Only sentences not cached yet are encoded (with a progress bar when there are many).
        encoded = passage_vectors(encoder, ordered, cache_dir)
        vectors = np.empty_like(encoded)
        vectors[np.asarray(order, dtype=np.int64)] = encoded
        offset = 0
        for index in members:
            count = len(texts[index])
            block = vectors[offset : offset + count]
            result[index] = VersionVectors(title=block[0], passages=block[1:])
            offset += count
    return [vectors for vectors in result if vectors is not None]


def empty_vectors(dimensions: int = 384) -> VersionVectors:
    zero = np.zeros((0, dimensions), dtype=np.float32)
    return VersionVectors(title=np.zeros(dimensions, dtype=np.float32), passages=zero)
