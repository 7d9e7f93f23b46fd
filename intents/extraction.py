"""Answer extraction: the lines of a page that answer a question (placeholder: best similarity).

A simple stand-in with the final signature: the line most similar to the question, and the
lines right after it that are nearly as similar, when the best one passes a threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from intents.page_text import words
from intents.semantic import SentenceEncoder

# Below this cosine no line answers (e5 cosines sit between about 0.7 and 0.95).
MIN_SIMILARITY = 0.86
# A following line joins the answer when it is at most this much less similar than the best.
KEEP_WITHIN = 0.02
MAX_LINES = 3


def extract_answer(
    question: str, lines: Sequence[str], lang: str, encoder: SentenceEncoder | None
) -> tuple[int, ...]:
    """The indexes of the lines of ``lines`` that answer ``question``; empty: none does."""
    if not lines:
        return ()
    if encoder is None:
        return _lexical(question, lines, lang)
    query = np.asarray(encoder.encode_queries((question,))[0], dtype=np.float32)
    vectors = encoder.encode_passages(list(lines))
    sims = vectors @ query
    best = int(np.argmax(sims))
    if float(sims[best]) < MIN_SIMILARITY:
        return ()
    chosen = [best]
    for index in range(best + 1, min(len(lines), best + MAX_LINES)):
        if float(sims[index]) < float(sims[best]) - KEEP_WITHIN:
            break
        chosen.append(index)
    return tuple(chosen)


def _lexical(question: str, lines: Sequence[str], lang: str) -> tuple[int, ...]:
    asked = set(words(question, lang))
    if not asked:
        return ()
    overlap = [len(asked & set(words(line, lang))) / len(asked) for line in lines]
    best = int(np.argmax(overlap))
    return (best,) if overlap[best] >= 0.5 else ()
