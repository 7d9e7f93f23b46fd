"""The safety layer's classifier: how likely a message is a crisis of each kind, by meaning.

It learns at load time from the admins' crisis examples (``safety/examples/*.yaml``: messages
of each kind and harmless look-alikes), with every intent example that is not an emergency as
further harmless messages. Inputs are the sentence encoder's query vectors, the same the matcher
computes for a message, so a message is encoded once for both.

The model is a multinomial logistic regression (softmax over the crisis kinds and "harmless")
on standardised vectors, trained by full-batch gradient descent in numpy: a few thousand rows of
384 numbers train in about a second. It is written here rather than taken from scikit-learn,
which would add scipy and some 100 MB to the install for thirty lines of arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents import vector_store
from intents.normalise import clean
from intents.safety import KINDS, Band, CrisisExample, CrisisGuess
from intents.semantic import SentenceEncoder, progress_bar

HARMLESS = "harmless"
CRISIS_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k not in ("emergency", "info"))
"""The kinds the classifier tells apart (the order of :data:`intents.safety.KINDS`)."""
LABELS: tuple[str, ...] = (*CRISIS_KINDS, HARMLESS)

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingSettings:
    """How the classifier is trained and where its bands lie; trade-offs in TUNING.md."""

    high: float = 0.95  # crisis probability from which a message is a crisis (sure)
    middle: float = 0.5  # from here on, the one-line question (unsure)
    l2: float = 1e-3  # weight decay
    steps: int = 300
    rate: float = 0.5
    harmless_share: float = 0.5  # share of the total weight on harmless messages
    own_harmless_share: float = 0.5  # ... of which on the admins' harmless look-alikes


class CrisisClassifier:
    """A softmax regression over crisis kinds and harmless messages. Pure after training."""

    __slots__ = ("_bias", "_mean", "_scale", "_settings", "_weights")

    def __init__(
        self,
        vectors: Matrix,
        labels: Sequence[str],
        *,
        contrast: Matrix | None = None,
        settings: TrainingSettings | None = None,
    ) -> None:
        """Train on ``vectors`` labelled with a crisis kind or ``harmless``; ``contrast`` are
        further harmless messages (the intent examples), weighed apart from the admins' own."""
        self._settings = settings or TrainingSettings()
        index = {label: i for i, label in enumerate(LABELS)}
        unknown = sorted({label for label in labels if label not in index})
        if unknown:
            raise ValueError(f"unknown crisis kind(s): {', '.join(unknown)}")
        extra = contrast if contrast is not None else np.zeros((0, vectors.shape[1]), np.float32)
        x = np.concatenate([vectors, extra]).astype(np.float64)
        y = np.array([index[label] for label in labels] + [index[HARMLESS]] * len(extra))
        own = np.concatenate([np.ones(len(vectors), bool), np.zeros(len(extra), bool)])
        self._mean = x.mean(axis=0)
        self._scale = x.std(axis=0) + 1e-6
        self._weights, self._bias = self._fit(
            (x - self._mean) / self._scale, y, self._sample_weights(y, own)
        )

    @property
    def settings(self) -> TrainingSettings:
        return self._settings

    def _sample_weights(
        self, y: npt.NDArray[np.int_], own: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.float64]:
        """Each crisis kind weighs the same; harmless messages weigh ``harmless_share`` in all,
        split between the admins' look-alikes and the intent examples."""
        s = self._settings
        weights = np.zeros(len(y))
        harmless = LABELS.index(HARMLESS)
        present = [k for k in range(len(CRISIS_KINDS)) if np.any(y == k)]
        for kind in present:
            rows = y == kind
            weights[rows] = (1.0 - s.harmless_share) / len(present) / rows.sum()
        groups = [(y == harmless) & own, (y == harmless) & ~own]
        shares = [s.own_harmless_share, 1.0 - s.own_harmless_share]
        if not groups[1].any():
            shares = [1.0, 0.0]
        elif not groups[0].any():
            shares = [0.0, 1.0]
        for rows, share in zip(groups, shares, strict=True):
            if rows.any():
                weights[rows] = s.harmless_share * share / rows.sum()
        total: npt.NDArray[np.float64] = weights / weights.sum()
        return total

    def _fit(
        self,
        x: npt.NDArray[np.float64],
        y: npt.NDArray[np.int_],
        weights: npt.NDArray[np.float64],
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Weighted cross-entropy with weight decay, by gradient descent with momentum."""
        s = self._settings
        classes = len(LABELS)
        target = np.eye(classes)[y]
        w = np.zeros((x.shape[1], classes))
        b = np.zeros(classes)
        velocity_w = np.zeros_like(w)
        velocity_b = np.zeros_like(b)
        momentum = 0.9
        for _ in range(s.steps):
            p = _softmax(x @ w + b)
            error = (p - target) * weights[:, None]
            grad_w = x.T @ error + s.l2 * w
            grad_b = error.sum(axis=0)
            velocity_w = momentum * velocity_w - s.rate * grad_w
            velocity_b = momentum * velocity_b - s.rate * grad_b
            w += velocity_w
            b += velocity_b
        return w, b

    def probabilities(self, vectors: Matrix) -> npt.NDArray[np.float64]:
        """An (n, len(LABELS)) array: the probability of each label for each vector."""
        x = (np.atleast_2d(vectors).astype(np.float64) - self._mean) / self._scale
        return _softmax(x @ self._weights + self._bias)

    def guess(self, vector: Matrix) -> CrisisGuess:
        """The crisis kind and probability of one message vector, and its band."""
        p = self.probabilities(vector)[0]
        crisis = p[: len(CRISIS_KINDS)]
        probability = float(crisis.sum())
        s = self._settings
        if probability >= s.high:
            band = Band.HIGH
        elif probability >= s.middle:
            band = Band.MIDDLE
        else:
            band = Band.LOW
        return CrisisGuess(
            kind=CRISIS_KINDS[int(np.argmax(crisis))], probability=probability, band=band
        )


def _softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    result: npt.NDArray[np.float64] = weights / weights.sum(axis=1, keepdims=True)
    return result


def query_vectors(
    encoder: SentenceEncoder, texts: Sequence[str], cache_dir: Path | None
) -> Matrix:
    """Embed ``texts`` as queries (as a message is), cached by content like the examples."""
    return vector_store.passage_vectors(
        encoder.encode_queries, query_model_name(encoder), texts, cache_dir, progress=progress_bar
    )


def query_model_name(encoder: object) -> str:
    """The vector packs' model name for query vectors of ``encoder``."""
    return f"{vector_store.model_name(encoder)}+query"


CONTRAST_EVERY = 1
"""Every n-th intent example (not an emergency) joins the harmless messages."""


def training_texts(examples: Sequence[CrisisExample], contrast: Sequence[str]) -> list[str]:
    """The sentences the classifier is trained on, as they are encoded (queries)."""
    own = [clean(example.text) for example in examples]
    return [*own, *(clean(text) for text in contrast[::CONTRAST_EVERY])]


def train_classifier(
    encoder: SentenceEncoder,
    examples: Sequence[CrisisExample],
    contrast: Sequence[str],
    cache_dir: Path | None,
    settings: TrainingSettings | None = None,
) -> CrisisClassifier | None:
    """The classifier of ``examples`` (None without crisis examples), with ``contrast`` (the
    intent examples that are no emergency) as further harmless messages."""
    if not any(example.kind != HARMLESS for example in examples):
        return None
    vectors = query_vectors(encoder, training_texts(examples, contrast), cache_dir)
    return CrisisClassifier(
        vectors[: len(examples)],
        [example.kind for example in examples],
        contrast=vectors[len(examples) :],
        settings=settings,
    )
