"""Answer extraction: page structure, the decoder, no encoder, unanswerable, real questions.

``data/omosqa-sample.json`` holds twelve training questions of OMoS-QA with their pages
(digitalfabrik/integreat-qa-dataset; Tür an Tür - Digitalfabrik gGmbH; Kleinle, Prange,
Friedrich, KONVENS 2024), licensed CC BY 4.0: https://creativecommons.org/licenses/by/4.0/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from intents.extraction import (
    CONTEXT_FEATURES,
    FEATURES,
    SAME_SCRIPT_MODEL,
    SEMANTIC_FEATURES,
    WORD_FEATURES,
    AnswerExtractor,
    Decoder,
    choose_model,
    extract_answer,
    is_heading,
    line_features,
    load_models,
    stems,
    structure_of,
)
from intents.semantic import E5Encoder

from .conftest import TrigramEncoder

SAMPLE = Path(__file__).with_name("data") / "omosqa-sample.json"
REPO = Path(__file__).resolve().parents[2]

PAGE = (
    "Residence permit",
    "Residence permit",
    "Who needs a residence permit?",
    "Everyone from a non-EU country who wants to stay longer than three months needs one.",
    "Children need their own permit.",
    "Which documents do I need?",
    "Passport",
    "Biometric photo",
    "Proof of health insurance",
    "Opening hours",
    "Monday 08:00 - 12:00",
    "Thursday 14:00 - 18:00",
)


def test_headings_open_sections_and_list_items_stay_inside_them() -> None:
    shape = structure_of(PAGE)
    assert is_heading("Which documents do I need?")
    assert not is_heading(PAGE[3])
    # "Which documents do I need?" governs the three list items under it
    assert shape.heading[6:9] == (5, 5, 5)
    assert len({shape.section[i] for i in (5, 6, 7, 8)}) == 1
    assert shape.section[3] != shape.section[6]
    assert shape.heading[3] == 2


def test_stems_meet_across_inflections() -> None:
    assert stems("documents", "en") & stems("document", "en")
    assert stems("Aufenthaltserlaubnisse", "de") & stems("Aufenthaltserlaubnis", "de")
    assert stems("", "xx") == frozenset()


def test_decoder_grows_a_block_around_the_best_line() -> None:
    decoder = Decoder(answer=0.5, line=0.3, relative=0.0, gap=0)
    probability = np.array([0.1, 0.4, 0.9, 0.35, 0.1, 0.8])
    # line 5 is likely but not touching the block of line 2
    assert decoder.decode(probability) == (1, 2, 3)
    assert Decoder(answer=0.5, line=0.3, relative=0.0, gap=1).decode(probability) == (
        1,
        2,
        3,
        5,
    )
    assert Decoder(answer=0.95, line=0.3, relative=0.0, gap=0).decode(probability) == ()
    assert decoder.decode(np.zeros(0)) == ()


def test_features_without_an_encoder_leave_the_semantic_columns_empty() -> None:
    features = line_features("Which documents do I need?", PAGE, "en", None, None)
    assert features.shape == (len(PAGE), len(FEATURES))
    assert not features[:, FEATURES.index("sim")].any()
    overlap = features[:, FEATURES.index("overlap")]
    assert int(np.argmax(overlap)) == 5


def test_works_without_an_encoder_and_on_empty_input() -> None:
    answer = extract_answer(
        "Which documents do I need for the residence permit?", PAGE, "en", None
    )
    assert answer == tuple(sorted(answer))
    assert all(0 <= i < len(PAGE) for i in answer)
    assert extract_answer("", PAGE, "en", None) == ()
    assert extract_answer("Which documents?", (), "en", None) == ()
    assert extract_answer("Which documents?", ("",), "xx", None) in ((), (0,))


def test_a_question_the_page_does_not_touch_gets_no_answer() -> None:
    extractor = AnswerExtractor()
    question = "How do I exchange my foreign driving licence for a German one?"
    assert extractor.extract(question, PAGE, "en", None) == ()
    assert extractor.extract(question, PAGE, "en", TrigramEncoder()) == ()


def test_the_encoder_model_refuses_what_the_page_does_not_touch(encoder: E5Encoder) -> None:
    extractor = AnswerExtractor()
    for question in (
        "How do I exchange my foreign driving licence for a German one?",
        "How do I open a bank account?",
        "Where can I buy a cheap bicycle?",
    ):
        assert extractor.extract(question, PAGE, "en", encoder) == ()
    found = extractor.extract("Who needs a residence permit?", PAGE, "en", encoder)
    assert 3 in found


def test_same_input_same_answer_and_the_input_stays_untouched() -> None:
    lines = list(PAGE)
    encoder = TrigramEncoder()
    extractor = AnswerExtractor()
    first = extractor.extract("When is the office open?", lines, "en", encoder)
    second = AnswerExtractor().extract("When is the office open?", lines, "en", TrigramEncoder())
    assert first == second == extractor.extract("When is the office open?", lines, "en", encoder)
    assert lines == list(PAGE)


def test_page_lines_are_embedded_once(tmp_path: Path) -> None:
    encoder = TrigramEncoder()
    extractor = AnswerExtractor(cache_dir=tmp_path)
    extractor.extract("Which documents do I need?", PAGE, "en", encoder)
    assert encoder.passage_calls == len(set(PAGE))
    extractor.extract("When is the office open?", PAGE, "en", encoder)
    assert encoder.passage_calls == len(set(PAGE))
    # a fresh extractor finds the vectors on disk
    other = TrigramEncoder()
    AnswerExtractor(cache_dir=tmp_path).extract("Who needs a permit?", PAGE, "en", other)
    assert other.passage_calls == 0
    assert list((tmp_path / "lines").glob("*.npy"))


def test_a_question_in_another_script_is_read_without_the_word_overlap() -> None:
    german = ("Aufenthaltserlaubnis", "Welche Unterlagen brauche ich?", "Reisepass")
    assert choose_model("ما هي الوثائق المطلوبة؟", german, semantic=True) == "crosslingual"
    assert choose_model("Які документи потрібні?", german, semantic=True) == "crosslingual"
    assert choose_model("Welche Unterlagen?", german, semantic=True) == SAME_SCRIPT_MODEL
    assert choose_model("ما هي الوثائق المطلوبة؟", german, semantic=False) == "lexical"
    weights = load_models()["crosslingual"].first.weights
    assert not weights[[FEATURES.index(name) for name in WORD_FEATURES]].any()


def test_the_shipped_weights_load_and_match_the_features() -> None:
    models = load_models()
    assert set(models) == {"semantic", "lexical", "crosslingual"}
    for model in models.values():
        assert model.first.weights.shape == (len(FEATURES),)
        assert model.second is not None
        assert model.second.weights.shape == (len(CONTEXT_FEATURES),)
        assert 0.0 < model.decoder.answer < 1.0
    # the lexical model never looks at a semantic column
    lexical = models["lexical"].first.weights
    assert not lexical[[FEATURES.index(name) for name in SEMANTIC_FEATURES]].any()


def _sample() -> list[dict[str, object]]:
    return list(json.loads(SAMPLE.read_text(encoding="utf-8"))["questions"])


def _scores(encoder: E5Encoder | None) -> tuple[float, float, int]:
    extractor = AnswerExtractor(
        cache_dir=Path(os.environ.get("LOTSE_TEST_CACHE_DIR", REPO / ".lotse-cache"))
    )
    precisions, recalls, abstained = [], [], 0
    for q in _sample():
        gold = set(q["answers"])  # type: ignore[call-overload]
        lines = [str(x) for x in q["lines"]]  # type: ignore[attr-defined]
        found = extractor.extract(str(q["question"]), lines, str(q["lang"]), encoder)
        if not gold:
            abstained += not found
            continue
        precisions.append(len(gold & set(found)) / len(found) if found else 1.0)
        recalls.append(len(gold & set(found)) / len(gold))
    return float(np.mean(precisions)), float(np.mean(recalls)), abstained


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder()


def test_real_questions_with_the_encoder(encoder: E5Encoder) -> None:
    precision, recall, _ = _scores(encoder)
    assert precision >= 0.6
    assert recall >= 0.2


def test_real_questions_without_the_encoder() -> None:
    precision, recall, _ = _scores(None)
    assert precision >= 0.6
    assert recall >= 0.05
