"""``lotse cache build``: the vectors of the bundled examples, shipped with the package."""

from __future__ import annotations

from pathlib import Path

from intents import vector_store
from intents.normalise import clean
from intents.page_vectors import version_texts
from intents.semantic import SentenceEncoder, progress_bar
from knowledge.loader import KnowledgeBase


def bundle_path(encoder: SentenceEncoder, folder: Path = vector_store.BUNDLED_DIR) -> Path:
    model = vector_store.model_name(encoder)
    return (
        folder
        / f"vectors-{''.join(c if c.isalnum() or c in '-_.' else '_' for c in model)}-bundled.npz"
    )


def build_bundle(
    kb: KnowledgeBase, encoder: SentenceEncoder, cache_dir: Path | None, target: Path
) -> int:
    """Write the vectors of every example of ``kb`` (as the matcher embeds them) and of the
    titles and passages of its pages (as page search embeds them) to ``target``; reuses the
    cache folder, encodes the rest. Returns how many sentences."""
    page_texts = [
        text for page in kb.pages for version in page.versions for text in version_texts(version)
    ]
    texts = list(dict.fromkeys([*(clean(e.text) for e in kb.examples), *page_texts]))
    model = vector_store.model_name(encoder)
    vectors = vector_store.passage_vectors(
        encoder.encode_passages, model, texts, cache_dir, bundled_dir=None, progress=progress_bar
    )
    keys = [vector_store.sentence_key(model, text) for text in texts]
    if not vector_store.write_pack(target, keys, vectors):
        raise OSError(f"cannot write {target}")
    return len(texts)
