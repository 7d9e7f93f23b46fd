"""Sentence vectors of page titles and passages, cached by content so a restart encodes nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intents.pages import Page, PageVersion, passages
from intents.semantic import SentenceEncoder, Vectors, passage_vectors

log = logging.getLogger(__name__)


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
    """Vectors for every (page, version) in ``items``, in order. Every distinct text is looked
    up once in the per-sentence vector store (:mod:`intents.vector_store`), so only sentences
    never seen before are encoded, and a page that appears under several cities costs nothing
    more."""
    texts = [version_texts(version) for _, version in items]
    # Encoded shortest first: a batch is padded to its longest text, so similar lengths
    # together cost a third less than page order.
    unique = sorted({text for group in texts for text in group}, key=lambda s: (len(s), s))
    if not unique:
        return [empty_vectors() for _ in items]
    encoded = passage_vectors(encoder, unique, cache_dir)
    row = {text: index for index, text in enumerate(unique)}
    result: list[VersionVectors] = []
    for group in texts:
        block = encoded[np.asarray([row[text] for text in group], dtype=np.int64)]
        result.append(VersionVectors(title=block[0], passages=block[1:]))
    return result


def empty_vectors(dimensions: int = 384) -> VersionVectors:
    zero = np.zeros((0, dimensions), dtype=np.float32)
    return VersionVectors(title=np.zeros(dimensions, dtype=np.float32), passages=zero)
