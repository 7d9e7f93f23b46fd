"""Fixtures for the intents tests: the bundled catalogue, a fake encoder, real matchers."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from intents.catalogue import Catalogue
from intents.languages import LanguageIdentifier
from intents.matcher import IntentMatcher
from intents.semantic import E5Encoder, Vectors
from intents.tuning import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge" / "dortmund"
DEV_SET = ROOT / "tests" / "data" / "dev-eval.jsonl"


class TrigramEncoder:
    """A deterministic stand-in encoder: hashed character trigrams, L2-normalised.

    It implements the SentenceEncoder Protocol at the seam, so the matcher's semantic path
    runs without the model; it counts its calls so tests can see the cache at work.
    """

    name = "trigram-test"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.passage_calls = 0
        self.query_calls = 0

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self.dim, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for start in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[start : start + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.query_calls += len(texts)
        return np.stack([self._vector(t) for t in texts]).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.passage_calls += len(texts)
        return np.stack([self._vector(t) for t in texts]).reshape(len(texts), self.dim)


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bundled_catalogue() -> Catalogue:
    catalogue = load_catalogue(KNOWLEDGE)
    if not catalogue.examples:
        pytest.skip("the bundled knowledge base has no examples yet")
    return catalogue


@pytest.fixture(scope="session")
def bundled_identifier(bundled_catalogue: Catalogue) -> LanguageIdentifier:
    return LanguageIdentifier(bundled_catalogue)


@pytest.fixture(scope="session")
def bundled_matcher(
    bundled_catalogue: Catalogue,
    bundled_identifier: LanguageIdentifier,
) -> IntentMatcher:
    """The real matcher on the bundled knowledge base, with the E5 encoder.

    Example vectors are cached in the same folder as the rest of the suite's (see
    tests/conftest.py), so only the first run embeds them, even with pytest's cache off.
    """
    cache_dir = Path(os.environ.get("LOTSE_TEST_CACHE_DIR", REPO / ".lotse-cache"))
    return IntentMatcher(
        bundled_catalogue,
        encoder=E5Encoder(),
        cache_dir=cache_dir,
        identifier=bundled_identifier,
    )
