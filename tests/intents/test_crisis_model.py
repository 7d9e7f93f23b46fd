"""The crisis classifier: how it learns and decides, and how its bands combine with the words."""

from __future__ import annotations

import numpy as np
import pytest

from intents.crisis_model import CRISIS_KINDS, HARMLESS, CrisisClassifier, TrainingSettings
from intents.safety import Band, Certainty, CrisisGuess, SafetyDetector, SafetyRules


def _clusters(seed: int = 7) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One tight cluster of vectors per label, around a label's own direction."""
    rng = np.random.default_rng(seed)
    dim = 32
    centres = {label: rng.normal(size=dim) * 3 for label in (*CRISIS_KINDS, HARMLESS)}
    vectors, labels = [], []
    for label, centre in centres.items():
        for _ in range(12):
            vectors.append(centre + rng.normal(size=dim) * 0.3)
            labels.append(label)
    contrast = np.stack([centres[HARMLESS] + rng.normal(size=dim) * 0.3 for _ in range(40)])
    probes = np.stack([centres[label] + rng.normal(size=dim) * 0.3 for label in centres])
    return np.stack(vectors).astype(np.float32), labels, np.vstack([probes, contrast[:1]])


def test_the_classifier_learns_each_kind_and_harmless() -> None:
    vectors, labels, probes = _clusters()
    contrast = vectors[np.array(labels) == HARMLESS]
    classifier = CrisisClassifier(vectors, labels, contrast=contrast)
    for probe, kind in zip(probes[: len(CRISIS_KINDS)], CRISIS_KINDS, strict=True):
        guess = classifier.guess(probe.astype(np.float32))
        assert guess.kind == kind
        assert guess.band is Band.HIGH
    harmless = classifier.guess(probes[len(CRISIS_KINDS)].astype(np.float32))
    assert harmless.band is Band.LOW
    assert harmless.probability < 0.1
    rows = classifier.probabilities(probes.astype(np.float32))
    assert rows.shape == (len(probes), len(CRISIS_KINDS) + 1)
    assert np.allclose(rows.sum(axis=1), 1.0)


def test_bands_follow_the_settings() -> None:
    vectors, labels, probes = _clusters()
    strict = CrisisClassifier(vectors, labels, settings=TrainingSettings(high=1.01, middle=0.5))
    assert strict.guess(probes[0].astype(np.float32)).band is Band.MIDDLE


def test_an_unknown_label_is_refused() -> None:
    vectors, labels, _ = _clusters()
    with pytest.raises(ValueError, match="unknown crisis kind"):
        CrisisClassifier(vectors, [*labels[:-1], "flood"])


def _guess(band: Band, kind: str = "suicide") -> CrisisGuess:
    return CrisisGuess(kind=kind, probability=0.9, band=band)


@pytest.fixture
def words() -> SafetyDetector:
    return SafetyDetector(
        SafetyRules(
            sure={"medical": ("not breathing",)},
            unsure={"violence": ("police",)},
            calm=("electricity bill",),
            never=("killing me",),
        )
    )


def test_a_high_probability_is_sure_of_its_kind(words: SafetyDetector) -> None:
    text = "nobody would notice if i was gone"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.SURE, "suicide")


def test_the_middle_band_is_unsure_and_low_is_nothing(words: SafetyDetector) -> None:
    text = "i do not know how long i can carry this"
    middle = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.MIDDLE)
    )
    assert middle.certainty is Certainty.UNSURE
    low = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.LOW)
    )
    assert low.certainty is Certainty.NONE


def test_sure_words_win_and_unsure_words_stay(words: SafetyDetector) -> None:
    text = "my father is not breathing"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.LOW)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.SURE, "medical")
    text = "the police came today"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.MIDDLE)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.UNSURE, "violence")


@pytest.mark.parametrize(
    "text",
    [
        "the electricity bill says they will stop everything",  # a harmless context
        "this queue is killing me",  # an idiom explains the danger words
        "3 januar",  # too short to read danger into
    ],
)
def test_the_classifier_cannot_overrule_a_harmless_reading(
    words: SafetyDetector, text: str
) -> None:
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert verdict.certainty is Certainty.NONE


def test_a_short_answer_with_a_number_is_at_most_unsure(words: SafetyDetector) -> None:
    text = "am 3.11. um 10"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert verdict.certainty is Certainty.UNSURE
