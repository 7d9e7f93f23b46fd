"""``lotse cache build``: the vectors of the bundled examples, shipped with the package."""

from __future__ import annotations

from pathlib import Path

from intents import vector_store
from intents.crisis_model import query_model_name, training_texts
from intents.normalise import clean
from intents.page_vectors import version_texts
from intents.semantic import SentenceEncoder, progress_bar
from knowledge.loader import KnowledgeBase


def bundle_path(
    encoder: SentenceEncoder, folder: Path = vector_store.BUNDLED_DIR, *, queries: bool = False
) -> Path:
    """The shipped pack of the examples' passage vectors (``queries``: of the crisis
    classifier's training sentences, encoded as queries)."""
    model = query_model_name(encoder) if queries else vector_store.model_name(encoder)
    return folder / vector_store.pack_name(model, "bundled")


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
    return len(texts) + _build_query_bundle(kb, encoder, cache_dir, target.parent)


def _build_query_bundle(
    kb: KnowledgeBase, encoder: SentenceEncoder, cache_dir: Path | None, folder: Path
) -> int:
    """The crisis classifier's training sentences as query vectors (intents/crisis_model.py)."""
    if kb.safety is None or not kb.safety.rules.examples:
        return 0
    contrast = [e.text for e in kb.examples if e.intent != "emergency"]
    texts = list(dict.fromkeys(training_texts(kb.safety.rules.examples, contrast)))
    model = query_model_name(encoder)
    vectors = vector_store.passage_vectors(
        encoder.encode_queries, model, texts, cache_dir, bundled_dir=None, progress=progress_bar
    )
    keys = [vector_store.sentence_key(model, text) for text in texts]
    target = bundle_path(encoder, folder, queries=True)
    if not vector_store.write_pack(target, keys, vectors):
        raise OSError(f"cannot write {target}")
    return len(texts)
